package travelwatch.alert;

/** Every statement on the alert and alert_transition tables. */
final class AlertSql {
  private AlertSql() {}

  static final String COLUMNS =
      """
      id, type, severity, state, service_date, run_id, operator_id, crew_id, pupil_id, summary,
      raised_at, last_seen_at, count, condition_active, acknowledged_by, acknowledged_at,
      resolved_by, resolved_at, school_id, assigned_to, assigned_at,
      (select o.name from operator o where o.id = operator_id) as operator_name,
      (select s.name from school s where s.id = school_id) as school_name
      """;

  /** Raises an alert, or counts a repeat on the open one with the same dedup key. */
  static final String RAISE =
      """
      insert into alert (dedup_key, type, severity, state, service_date, run_id, operator_id,
                         crew_id, pupil_id, summary, raised_at, last_seen_at, count,
                         condition_active, school_id)
      values ($1, $2, $3, 'open', $4, $5, $6, $7, $8, $9, $10, $10, $11, true,
              coalesce($12, (select rt.school_id from run r join route rt on rt.id = r.route_id
                             where r.id = $5)))
      on conflict (dedup_key) where state <> 'resolved'
      do update set count = alert.count + 1, last_seen_at = excluded.last_seen_at,
                    condition_active = true, summary = excluded.summary
      returning (xmax = 0) as inserted,
      """
          + COLUMNS;

  static final String CLEAR =
      """
      update alert set condition_active = false,
        state = case when $3 then 'resolved' else state end,
        resolved_by = case when $3 then 'system' else resolved_by end,
        resolved_at = case when $3 then $2 else resolved_at end
      where dedup_key = $1 and state <> 'resolved'
      returning
      """
          + COLUMNS;

  static final String UPDATE_SUMMARY =
      """
      update alert set summary = $2, last_seen_at = $3, condition_active = true,
        count = greatest(count, $4)
      where dedup_key = $1 and state <> 'resolved'
      returning
      """
          + COLUMNS;

  static final String ACKNOWLEDGE =
      """
      update alert set state = 'acknowledged', acknowledged_by = $2, acknowledged_at = $3
      where id = $1 and state = 'open'
      returning
      """
          + COLUMNS;

  /**
   * Resolves an alert; a critical one whose condition still holds only when confirmed ($4): the
   * person resolving it has said why.
   */
  static final String RESOLVE =
      """
      update alert set state = 'resolved', resolved_by = $2, resolved_at = $3
      where id = $1 and state <> 'resolved'
        and ($4 or severity <> 'critical' or not condition_active)
      returning
      """
          + COLUMNS;

  /** Assigns an alert that is not resolved to a person (whoever had it before). */
  static final String ASSIGN =
      """
      update alert set assigned_to = $2, assigned_at = $3
      where id = $1 and state <> 'resolved'
      returning
      """
          + COLUMNS;

  static final String BY_ID = "select " + COLUMNS + " from alert where id = $1";

  static final String BY_IDS = "select " + COLUMNS + " from alert where id = any($1::bigint[])";

  /** Critical alerts still open past the escalation time and not yet escalated. */
  static final String DUE_FOR_ESCALATION =
      "select "
          + COLUMNS
          + """
           from alert a
          where severity = 'critical' and state = 'open' and raised_at <= $1
            and not exists (select 1 from alert_transition t
                            where t.alert_id = a.id and t.kind = 'escalated')
          order by id
          limit 100
          for update skip locked
          """;

  static final String LIST =
      "select "
          + COLUMNS
          + """
          from alert
          where ($1::text is null or state = $1)
            and ($2::text is null or severity = $2)
            and ($3::text is null or type = $3)
            and ($4::date is null or service_date = $4)
            and ($5::text is null or run_id = $5)
            and ($6::bigint is null or id < $6)
            and ($8::text is null or operator_id = $8)
            and ($9::text is null or school_id = $9)
          order by id desc
          limit $7
          """;

  static final String TRANSITION =
      "insert into alert_transition (alert_id, at, kind, actor, note) values ($1, $2, $3, $4, $5)";

  /** An alert's transitions that people read: raised, acknowledged, assigned and resolved. */
  static final String TRANSITIONS =
      """
      select at, kind, actor, note from alert_transition
      where alert_id = $1 and kind in ('raised', 'acknowledged', 'assigned', 'resolved')
      order by at, id
      """;

  /**
   * Keys of the day's alerts whose condition is still true: a restarted monitor must not raise them
   * again. Types in $2 are not the monitors' to decide (an alarm a tracker sent).
   */
  static final String ACTIVE_KEYS =
      """
      select dedup_key, run_id from alert
      where service_date = $1 and condition_active and type <> all($2::text[])
        and position('|' || $3 in dedup_key) = 0
        and (state <> 'resolved' or not exists (
          select 1 from alert o where o.dedup_key = alert.dedup_key and o.state <> 'resolved'))
      """;

  static final String OPEN_BY_TYPE =
      "select type, severity, count(*) from alert where state <> 'resolved' group by type, severity";
}
