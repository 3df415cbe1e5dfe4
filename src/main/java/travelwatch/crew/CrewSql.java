package travelwatch.crew;

/**
 * The crew app's read model: a crew member's runs of a day with their stops and what was recorded.
 * Reads the plan, the monitors' saved run state and the event store; writes nothing.
 */
final class CrewSql {
  private CrewSql() {}

  /**
   * Runs of operator $2 on date $3 that name crew member $1 as planned or assigned (the state the
   * monitors saved) driver or guide.
   */
  static final String RUNS =
      """
      select r.id, r.route_id, rt.school_id, sc.name as school_name, r.service_date, r.direction,
             r.arrive_by, coalesce(s.status, 'planned') as status, s.vehicle_reg,
             coalesce(s.driver_id, r.planned_driver_id) as driver_id,
             coalesce(s.guide_id, r.planned_guide_id) as guide_id
      from run r
      join route rt on rt.id = r.route_id
      join school sc on sc.id = rt.school_id
      left join run_state s on s.run_id = r.id
      where rt.operator_id = $2 and r.service_date = $3
        and $1 in (r.planned_driver_id, r.planned_guide_id, s.driver_id, s.guide_id)
      order by r.arrive_by, r.id
      """;

  static final String STOPS =
      """
      select s.run_id, s.id, s.seq, s.lat, s.lon, s.planned_time,
             coalesce(array_agg(p.pupil_id order by p.pupil_id)
                      filter (where p.action = 'pickup'), '{}') as pickups,
             coalesce(array_agg(p.pupil_id order by p.pupil_id)
                      filter (where p.action = 'dropoff'), '{}') as dropoffs
      from stop s
      left join stop_pupil p on p.run_id = s.run_id and p.stop_id = s.id
      where s.run_id = any($1::text[])
      group by s.run_id, s.id, s.seq, s.lat, s.lon, s.planned_time
      order by s.run_id, s.seq
      """;

  /** What was recorded on the runs, in the order it happened. */
  static final String RECORDED =
      """
      select run_id, type, occurred_at, body->>'pupilId' as pupil_id, body->>'stopId' as stop_id
      from event
      where run_id = any($1::text[])
        and type in ('run.started', 'run.arrived', 'run.completed', 'pupil.boarded',
                     'pupil.absent', 'pupil.dropped')
      order by occurred_at, seq
      """;
}
