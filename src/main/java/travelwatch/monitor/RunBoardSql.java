package travelwatch.monitor;

/**
 * The run board's read model: the plan's runs with the live state the monitors saved and their open
 * alert counts. Reads only; each table is written by its own capability.
 */
final class RunBoardSql {
  private RunBoardSql() {}

  private static final String RUN =
      """
      select r.id, r.route_id, rt.operator_id, rt.school_id, r.service_date, r.direction,
             r.arrive_by, coalesce(s.status, 'planned') as status, s.eta, s.minutes_late,
             s.driver_id, s.guide_id, s.vehicle_reg, s.lat, s.lon, s.position_at,
             (select count(*) from alert a where a.run_id = r.id and a.state <> 'resolved')
               as open_alerts,
             exists (select 1 from alert a where a.run_id = r.id and a.type = 'run.feed_silent'
                     and a.condition_active) as feed_silent,
             o.name as operator_name, sc.name as school_name
      from run r
      join route rt on rt.id = r.route_id
      join operator o on o.id = rt.operator_id
      join school sc on sc.id = rt.school_id
      left join run_state s on s.run_id = r.id
      """;

  static final String BOARD =
      RUN
          + """
          where r.service_date = $1
            and ($2::text is null or coalesce(s.status, 'planned') = $2)
            and ($3::text is null or rt.operator_id = $3)
            and ($4::text is null or r.id > $4)
          order by r.id
          limit $5
          """;

  static final String ONE = RUN + " where r.id = $1";

  static final String OF_SCHOOL =
      RUN + " where r.service_date = $1 and rt.school_id = $2 order by r.arrive_by, r.id";

  /** Who runs a run and for which school, with how to reach the operator, and its planned crew. */
  static final String PARTIES =
      """
      select o.id as operator_id, o.name as operator_name, o.phone, o.control_room_email,
             sc.id as school_id, sc.name as school_name, sc.lat, sc.lon,
             r.planned_driver_id, r.planned_guide_id
      from run r join route rt on rt.id = r.route_id
      join operator o on o.id = rt.operator_id join school sc on sc.id = rt.school_id
      where r.id = $1
      """;

  /** The latest position of each started run of a day (of one operator when $2 is set). */
  static final String POSITIONS =
      """
      select r.id, s.status, s.minutes_late, s.lat, s.lon, s.position_at, rt.operator_id,
             rt.school_id,
             exists (select 1 from alert a where a.run_id = r.id and a.type = 'run.feed_silent'
                     and a.condition_active) as feed_silent
      from run r
      join route rt on rt.id = r.route_id
      join run_state s on s.run_id = r.id
      where r.service_date = $1 and s.started_at is not null and s.position_at is not null
        and ($2::text is null or rt.operator_id = $2)
      order by r.id
      """;

  static final String STOPS =
      """
      select s.id, s.seq, s.lat, s.lon, s.planned_time,
             coalesce(array_agg(p.pupil_id order by p.pupil_id)
                      filter (where p.action = 'pickup'), '{}') as pickups,
             coalesce(array_agg(p.pupil_id order by p.pupil_id)
                      filter (where p.action = 'dropoff'), '{}') as dropoffs
      from stop s
      left join stop_pupil p on p.run_id = s.run_id and p.stop_id = s.id
      where s.run_id = $1
      group by s.id, s.seq, s.lat, s.lon, s.planned_time
      order by s.seq
      """;

  static final String TIMELINE =
      """
      select seq, event_id, type, occurred_at, received_at, source, body::text as body
      from event where run_id = $1 order by occurred_at, seq
      """;

  static final String PUPIL_TODAY =
      RUN
          + """
          where r.service_date = $2
            and r.id in (select run_id from stop_pupil where pupil_id = $1)
          order by r.arrive_by
          """;

  /** A pupil by reference, whatever the letters' case. */
  static final String PUPIL_BY_REF =
      "select id from pupil where lower(id) = lower($1) order by id limit 1";

  /**
   * For each of the pupil's runs of the day: the operator's phone, the pupil's journey as the
   * monitors saved it, why the run was cancelled, and whether the pupil was missed.
   */
  static final String PUPIL_JOURNEYS =
      """
      select r.id as run_id, o.phone as operator_phone, pj.expected_pickup_at,
             pj.expected_dropoff_at, pj.pickup_reached_at, pj.dropoff_reached_at, pj.boarded_at,
             pj.absent_at, pj.dropped_at, pj.dropped_stop_id, pj.dropoff_stop_id,
             pj.dropped_off_plan,
             (select e.body->>'reason' from event e
              where e.run_id = r.id and e.type = 'run.cancelled'
              order by e.occurred_at, e.seq limit 1) as cancellation_reason,
             exists (select 1 from alert a where a.run_id = r.id and a.type = 'pupil.missed'
                     and a.pupil_id = $1) as missed
      from run r join route rt on rt.id = r.route_id join operator o on o.id = rt.operator_id
      left join pupil_journey pj on pj.run_id = r.id and pj.pupil_id = $1
      where r.service_date = $2 and r.id in (select run_id from stop_pupil where pupil_id = $1)
      """;

  static final String PUPIL_STOPS =
      """
      select sp.run_id, sp.action, s.id, s.seq, s.planned_time
      from stop_pupil sp join stop s on s.run_id = sp.run_id and s.id = sp.stop_id
      join run r on r.id = sp.run_id
      where sp.pupil_id = $1 and r.service_date = $2
      """;

  static final String PUPIL_EVENTS =
      """
      select run_id, type, occurred_at, body->>'stopId' as stop_id
      from event
      where service_date = $2 and type in ('pupil.boarded', 'pupil.absent', 'pupil.dropped')
        and body->>'pupilId' = $1
      order by occurred_at
      """;
}
