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
             s.driver_id, s.guide_id, s.vehicle_reg,
             (select count(*) from alert a where a.run_id = r.id and a.state <> 'resolved')
               as open_alerts
      from run r
      join route rt on rt.id = r.route_id
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

  static final String PUPIL_STOPS =
      """
      select sp.run_id, sp.action, s.id, s.planned_time
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
