package travelwatch.mi;

/**
 * Every statement of the monthly returns. Owns {@code mi_return} and {@code mi_overdue}; reads the
 * plan (operators, routes, runs, crew) and the month's events of the operator's runs and crew.
 */
final class MiSql {
  private MiSql() {}

  static final String OPERATOR_EXISTS = "select 1 from operator where id = $1";

  static final String ROUTES = "select id from route where operator_id = $1";

  /** The operator's runs planned in the month ($2..$3). */
  static final String PLANNED_RUNS =
      """
      select r.id, r.route_id, r.service_date, r.direction
        from run r join route rt on rt.id = r.route_id
       where rt.operator_id = $1 and r.service_date between $2 and $3
      """;

  /**
   * Starts, cancellations and crew assignments of the operator's runs planned in the month, in the
   * order they happened.
   */
  static final String RECORDED =
      """
      select e.run_id, e.type, e.body::text as body
        from run r
        join route rt on rt.id = r.route_id
        join event e on e.run_id = r.id
       where rt.operator_id = $1 and r.service_date between $2 and $3
         and e.type in ('run.started', 'run.cancelled', 'crew.assigned')
       order by e.occurred_at, e.seq
      """;

  /** The plan's facts of these crew members ($1). */
  static final String CREW =
      """
      select id, dbs_certificate_number, dbs_issued_on, dbs_outcome, hr_clearance, badge_expires_on
        from crew where id = any($1)
      """;

  /** DBS, badge and clearance events of these crew members ($1) before the month's end ($2). */
  static final String CREW_EVENTS =
      """
      select type, body::text as body
        from event
       where type in ('crew.dbs_checked', 'crew.badge_updated', 'crew.cleared')
         and body ->> 'crewId' = any($1) and occurred_at < $2
       order by occurred_at, seq
      """;

  /** One return at a time per operator and month, so versions follow each other. */
  static final String LOCK_MONTH =
      "select pg_advisory_xact_lock(hashtext('mi_return'), hashtext($1 || '|' || $2))";

  static final String INSERT =
      """
      insert into mi_return (operator_id, month, version, received_at, received_by, crew_csv,
                             runs_csv, findings, critical, high, warning)
      select $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6, $7::json, $8, $9, $10
        from mi_return where operator_id = $1 and month = $2
      returning version
      """;

  static final String LATEST =
      """
      select operator_id, month, version, received_at, findings::text as findings
        from mi_return where operator_id = $1 and month = $2
       order by version desc limit 1
      """;

  /** How many runs of the operator (o) the plan has in the month ($1..$2). */
  private static final String PLANNED_IN_MONTH =
      """
      (select count(*) from run r join route rt on rt.id = r.route_id
        where rt.operator_id = o.id and r.service_date between $1 and $2)
      """;

  /**
   * Every operator with its runs planned in the month ($1..$2) and its latest return of the month,
   * if any.
   */
  static final String STATUS =
      "select o.id, "
          + PLANNED_IN_MONTH
          + """
           as planned, m.version, m.received_at, m.critical, m.high, m.warning
            from operator o
            left join lateral (
              select version, received_at, critical, high, warning from mi_return
               where operator_id = o.id and month = $1 order by version desc limit 1) m on true
           order by o.id
          """;

  /**
   * Operators with runs in the month ($1..$2) and without a return for it nor an overdue alert yet:
   * an operator with no runs that month owes no return.
   */
  static final String OVERDUE =
      """
      select o.id from operator o
       where not exists (select 1 from mi_return m where m.operator_id = o.id and m.month = $1)
         and not exists (select 1 from mi_overdue d where d.operator_id = o.id and d.month = $1)
         and\s"""
          + PLANNED_IN_MONTH
          + """
           > 0
           order by o.id
          """;

  /** Marks the operator's month overdue; a row only when this transaction is the first. */
  static final String MARK_OVERDUE =
      """
      insert into mi_overdue (operator_id, month, raised_at) values ($1, $2, $3)
      on conflict do nothing
      returning operator_id
      """;
}
