package travelwatch.kpi;

/**
 * Every KPI statement: the figures, computed set-based over the plan, event, alert and parent
 * message tables (docs/contract.md, "KPIs"), and the snapshot tables. Duplicate events never double
 * count: each measure counts distinct runs, pupil-journeys, calls, applications or complaints.
 */
final class KpiSql {
  private KpiSql() {}

  /**
   * The opening of {@link #RUNS} and {@link #SCHOOL_RUNS}, so that both count runs alike: each run
   * planned in the period ($1..$2) with its route's operator and school and its outcome. Each run's
   * events are read and folded by one index lookup (the lateral aggregate cannot be flattened into
   * a scan of every event ever stored). Delivered is started and not cancelled; on time is
   * delivered with an arrival, the first run.arrived else the last drop-off, at or before arriveBy
   * as a local time on the run's date in zone $3. The pupils reported absent and those boarded are
   * kept for the pupil-journeys.
   */
  private static final String RUN_OUTCOME =
      """
      with run_outcome as (
        select r.id as run_id, rt.operator_id, rt.school_id, k.started, k.cancelled,
               k.started and not k.cancelled as delivered,
               k.started and not k.cancelled
                 and coalesce(coalesce(k.arrived_at, k.last_dropoff_at)
                                <= (r.service_date + r.arrive_by) at time zone $3::text,
                              false) as on_time,
               k.absent, k.boarded
        from run r
        join route rt on rt.id = r.route_id
        cross join lateral (
          select coalesce(bool_or(e.type = 'run.started'), false) as started,
                 coalesce(bool_or(e.type = 'run.cancelled'), false) as cancelled,
                 min(e.occurred_at) filter (where e.type = 'run.arrived') as arrived_at,
                 max(e.occurred_at) filter (where e.type = 'pupil.dropped') as last_dropoff_at,
                 coalesce(array_agg(e.body ->> 'pupilId') filter (where e.type = 'pupil.absent'),
                          '{}') as absent,
                 coalesce(array_agg(e.body ->> 'pupilId') filter (where e.type = 'pupil.boarded'),
                          '{}') as boarded
          from event e
          where e.run_id = r.id
            and e.type in ('run.started', 'run.cancelled', 'run.arrived',
                           'pupil.dropped', 'pupil.boarded', 'pupil.absent')
        ) k
        where r.service_date between $1::date and $2::date
      )
      """;

  /**
   * Per operator, the runs planned in the period ($1..$2, zone $3) and their outcome ({@link
   * #RUN_OUTCOME}), with the pupil-journeys on them. A pupil-journey is a pupil picked up on a run
   * that started or was cancelled; reported absent, it is not expected; boarded (and not absent),
   * it was transported.
   */
  static final String RUNS =
      RUN_OUTCOME
          + """
          select o.operator_id,
                 count(*) as planned,
                 count(*) filter (where o.delivered) as delivered,
                 count(*) filter (where o.cancelled) as cancelled,
                 count(*) filter (where o.on_time) as on_time,
                 sum(j.expected)::bigint as pupils_expected,
                 sum(j.transported)::bigint as pupils_transported
          from run_outcome o
          cross join lateral (
            select count(distinct sp.pupil_id)
                     filter (where not sp.pupil_id = any (o.absent)) as expected,
                   count(distinct sp.pupil_id)
                     filter (where not sp.pupil_id = any (o.absent)
                               and sp.pupil_id = any (o.boarded)) as transported
            from stop_pupil sp
            where sp.run_id = o.run_id and sp.action = 'pickup' and (o.started or o.cancelled)
          ) j
          group by o.operator_id
          order by o.operator_id
          """;

  /**
   * Per school (the school of a run's route), the runs planned in the period ($1..$2, zone $3),
   * those delivered and those delivered on time ({@link #RUN_OUTCOME}); only schools with runs in
   * the period, in the byte order of their ids.
   */
  static final String SCHOOL_RUNS =
      RUN_OUTCOME
          + """
          select o.school_id,
                 s.name as school_name,
                 count(*) as planned,
                 count(*) filter (where o.delivered) as delivered,
                 count(*) filter (where o.on_time) as on_time
          from run_outcome o
          join school s on s.id = o.school_id
          group by o.school_id, s.name
          order by o.school_id collate "C"
          """;

  /**
   * Calls in the period ($1..$2, local dates): a call is offered once whatever the telephony sent
   * about it, since an answered or abandoned call was offered even if its offer event is missing.
   */
  static final String CALLS =
      """
      select count(distinct body ->> 'callId') as offered,
             count(distinct body ->> 'callId') filter (where type = 'call.answered') as answered
      from event
      where type in ('call.offered', 'call.answered', 'call.abandoned')
        and service_date between $1::date and $2::date
      """;

  /** Safeguarding alerts raised from $1 (inclusive) to $2 (exclusive). */
  static final String SAFEGUARDING =
      """
      select count(*) as safeguarding
      from alert
      where type in ('incident.safeguarding', 'pupil.wrong_dropoff')
        and raised_at >= $1::timestamptz and raised_at < $2::timestamptz
      """;

  /**
   * Parents' messages sent from $1 (inclusive) to $2 (exclusive), those of them answered by now,
   * and the median time from message to first reply in minutes, rounded to one decimal (null when
   * none was answered).
   */
  static final String PARENT_MESSAGES =
      """
      select count(*) as received,
             count(*) filter (where answered_at is not null) as answered,
             round((extract(epoch from
                      percentile_cont(0.5) within group (order by answered_at - created_at)
                        filter (where answered_at is not null)) / 60)::numeric, 1)
               as median_minutes
      from parent_message
      where created_at >= $1::timestamptz and created_at < $2::timestamptz
      """;

  /**
   * Applications undecided at the end of $1 (no decision dated on or before it) and received before
   * $2, the first receipt date whose working-day target has not passed by then.
   */
  static final String APPLICATIONS_OVERDUE =
      """
      with received as (
        select body ->> 'applicationId' as application_id,
               min(body ->> 'kind') as kind,
               min((body ->> 'receivedOn')::date) as received_on
        from event
        where type = 'application.received'
        group by 1
      ),
      decided as (
        select distinct body ->> 'applicationId' as application_id
        from event
        where type = 'application.decided' and (body ->> 'decidedOn')::date <= $1::date
      )
      select count(*) filter (where r.kind = 'bus_pass') as bus_pass,
             count(*) filter (where r.kind = 'transport') as transport
      from received r
      where r.received_on < $2::date
        and not exists (select 1 from decided d where d.application_id = r.application_id)
      """;

  /**
   * Complaints received in the period ($1..$2), and those unanswered at the end of $2 that were
   * received before $3, the first receipt date whose working-day target has not passed.
   */
  static final String COMPLAINTS =
      """
      with received as (
        select body ->> 'complaintId' as complaint_id, min((body ->> 'on')::date) as received_on
        from event
        where type = 'complaint.received'
        group by 1
      ),
      responded as (
        select distinct body ->> 'complaintId' as complaint_id
        from event
        where type = 'complaint.responded' and (body ->> 'on')::date <= $2::date
      )
      select count(*) filter (where r.received_on between $1::date and $2::date) as received,
             count(*) filter (where r.received_on < $3::date and x.complaint_id is null) as overdue
      from received r left join responded x on x.complaint_id = r.complaint_id
      """;

  /** Waits for the period's lock ($1 kind, $2 epoch day); released when the transaction ends. */
  static final String LOCK_PERIOD = "select pg_advisory_xact_lock($1::int, $2::int)";

  /** Takes the period's lock if no one holds it; released when the transaction ends. */
  static final String TRY_LOCK_PERIOD =
      "select pg_try_advisory_xact_lock($1::int, $2::int) as locked";

  static final String WEEKLY_LATEST =
      """
      select week_ending as period, version, computed_at, figures
      from kpi_weekly_snapshot where week_ending = $1::date
      order by version desc limit 1
      """;

  static final String WEEKLY_VERSION =
      """
      select week_ending as period, version, computed_at, figures
      from kpi_weekly_snapshot where week_ending = $1::date and version = $2::int
      """;

  static final String WEEKLY_TAKEN_SINCE =
      """
      select exists (select 1 from kpi_weekly_snapshot
                     where week_ending = $1::date and computed_at >= $2::timestamptz) as taken
      """;

  static final String WEEKLY_INSERT =
      """
      insert into kpi_weekly_snapshot (week_ending, version, computed_at, figures)
      select $1::date, coalesce(max(version), 0) + 1, $2::timestamptz, $3::json
      from kpi_weekly_snapshot where week_ending = $1::date
      returning version
      """;

  /** The latest version of each week from $1 to $2, oldest week first. */
  static final String WEEKLY_BETWEEN =
      """
      select distinct on (week_ending) week_ending as period, version, computed_at, figures
      from kpi_weekly_snapshot where week_ending between $1::date and $2::date
      order by week_ending, version desc
      """;

  /** The latest version of the newest week up to $1 that has a snapshot. */
  static final String WEEKLY_NEWEST =
      """
      select week_ending as period, version, computed_at, figures
      from kpi_weekly_snapshot where week_ending <= $1::date
      order by week_ending desc, version desc limit 1
      """;

  static final String DAILY_LATEST =
      """
      select service_date as period, version, computed_at, figures
      from kpi_daily_snapshot where service_date = $1::date
      order by version desc limit 1
      """;

  static final String DAILY_TAKEN_SINCE =
      """
      select exists (select 1 from kpi_daily_snapshot
                     where service_date = $1::date and computed_at >= $2::timestamptz) as taken
      """;

  static final String DAILY_INSERT =
      """
      insert into kpi_daily_snapshot (service_date, version, computed_at, figures)
      select $1::date, coalesce(max(version), 0) + 1, $2::timestamptz, $3::json
      from kpi_daily_snapshot where service_date = $1::date
      returning version
      """;
}
