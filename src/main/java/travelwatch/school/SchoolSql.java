package travelwatch.school;

/** Every statement of the schools' capability: their view, reports and notices. */
final class SchoolSql {
  private SchoolSql() {}

  static final String SCHOOL = "select id, name, email from school where id = $1";

  /** Every pupil of the day's runs to and from school $2, with what was reported of them. */
  static final String PUPILS_OF_RUNS =
      """
      select sp.run_id, sp.pupil_id, spd.stop_id as planned_dropoff, j.boarded_at, j.absent_at,
             j.dropped_at, j.dropped_stop_id
      from run r
      join route rt on rt.id = r.route_id and rt.school_id = $2
      join stop_pupil sp on sp.run_id = r.id and sp.action = 'pickup'
      join stop_pupil spd on spd.run_id = r.id and spd.pupil_id = sp.pupil_id
                         and spd.action = 'dropoff'
      left join pupil_journey j on j.run_id = r.id and j.pupil_id = sp.pupil_id
      where r.service_date = $1
      order by sp.run_id, sp.pupil_id
      """;

  /** Run $1 if it goes to or from school $2 on $3. */
  static final String RUN_OF_SCHOOL =
      """
      select r.id, rt.operator_id from run r join route rt on rt.id = r.route_id
      where r.id = $1 and rt.school_id = $2 and r.service_date = $3
      """;

  static final String PUPIL_OF_SCHOOL = "select 1 from pupil where id = $1 and school_id = $2";

  /**
   * Pupil $1's journey of $3 on a run of school $2 — run $4 if given, else the morning's — with
   * what was reported.
   */
  static final String JOURNEY =
      """
      select r.id as run_id, rt.operator_id, spd.stop_id as planned_dropoff, j.boarded_at,
             j.absent_at, j.dropped_at, j.dropped_stop_id
      from run r
      join route rt on rt.id = r.route_id and rt.school_id = $2
      join stop_pupil spd on spd.run_id = r.id and spd.pupil_id = $1 and spd.action = 'dropoff'
      left join pupil_journey j on j.run_id = r.id and j.pupil_id = $1
      where r.service_date = $3 and ($4::text is null or r.id = $4)
      order by (r.direction = 'AM') desc, r.arrive_by
      limit 1
      """;

  static final String INSERT_REPORT =
      """
      insert into school_report (school_id, run_id, pupil_id, category, text, reported_by,
                                 created_at)
      values ($1, $2, $3, $4, $5, $6, $7) returning id
      """;

  static final String REPORT_ALERT = "update school_report set alert_id = $2 where id = $1";

  static final String REPORTS =
      """
      select id, run_id, pupil_id, category, text, reported_by, created_at, alert_id
      from school_report where school_id = $1 and created_at >= $2 order by id desc limit 200
      """;

  /** The day's runs of every school with an address for notices, with their saved state. */
  static final String NOTICE_RUNS =
      """
      select s.id as school_id, s.name as school_name, s.email, r.id as run_id, r.direction,
             r.arrive_by, o.name as operator_name, coalesce(st.status, 'planned') as status,
             st.eta, st.minutes_late
      from school s
      join route rt on rt.school_id = s.id
      join run r on r.route_id = rt.id and r.service_date = $1
      join operator o on o.id = rt.operator_id
      left join run_state st on st.run_id = r.id
      where s.email is not null
      """;

  /** The day's pupils dropped at a stop not planned for them, of schools with an address. */
  static final String DROPPED_ELSEWHERE =
      """
      select s.id as school_id, s.name as school_name, s.email, j.run_id, j.direction,
             j.pupil_id, j.dropped_stop_id, j.dropped_at
      from pupil_journey j join school s on s.id = j.school_id
      where j.service_date = $1 and s.email is not null and j.dropped_at is not null
        and j.dropped_stop_id is distinct from j.dropoff_stop_id
      """;

  static final String NOTICES_SENT =
      """
      select school_id, run_id, kind, subject, minutes from school_notice where created_at >= $1
      """;

  /** One school's notices about one run at a time, across nodes. */
  static final String LOCK_RUN_NOTICES = "select pg_advisory_xact_lock(hashtext($1 || '/' || $2))";

  /** What a school was told of a run, read under that lock. */
  static final String NOTICES_OF_RUN =
      "select kind, subject, minutes from school_notice where school_id = $1 and run_id = $2";

  static final String RECORD_NOTICE =
      """
      insert into school_notice (school_id, run_id, kind, subject, minutes, created_at)
      values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning school_id
      """;
}
