package travelwatch.plan;

/**
 * Every statement on the plan tables. Bulk writes pass one text array per column to unnest, cast to
 * the column type in SQL so that a column of nulls needs no Java type.
 */
final class PlanSql {
  private PlanSql() {}

  static final String UPSERT_OPERATORS =
      """
      insert into operator (id, name, email, phone, control_room_email)
      select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
      on conflict (id) do update set name = excluded.name, email = excluded.email,
        phone = excluded.phone, control_room_email = excluded.control_room_email
      """;

  static final String UPSERT_SCHOOLS =
      """
      insert into school (id, name, lat, lon, start_time, finish_time, phase, email)
      select * from unnest($1::text[], $2::text[], $3::text[]::float8[], $4::text[]::float8[], $5::text[]::time[],
                           $6::text[]::time[], $7::text[], $8::text[])
      on conflict (id) do update set name = excluded.name, lat = excluded.lat,
        lon = excluded.lon, start_time = excluded.start_time,
        finish_time = excluded.finish_time, phase = excluded.phase, email = excluded.email
      """;

  static final String UPSERT_PUPILS =
      """
      insert into pupil (id, school_id, max_journey_minutes)
      select * from unnest($1::text[], $2::text[], $3::text[]::int4[])
      on conflict (id) do update set school_id = excluded.school_id,
        max_journey_minutes = excluded.max_journey_minutes
      """;

  static final String UPSERT_CREW =
      """
      insert into crew (id, operator_id, role, dbs_certificate_number, dbs_issued_on, dbs_outcome,
                        dbs_barred_list_checked, dbs_update_service, hr_clearance, badge_number,
                        badge_authority, badge_expires_on)
      select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]::date[], $6::text[],
                           $7::text[]::bool[], $8::text[]::bool[], $9::text[], $10::text[], $11::text[],
                           $12::text[]::date[])
      on conflict (id) do update set operator_id = excluded.operator_id, role = excluded.role,
        dbs_certificate_number = excluded.dbs_certificate_number,
        dbs_issued_on = excluded.dbs_issued_on, dbs_outcome = excluded.dbs_outcome,
        dbs_barred_list_checked = excluded.dbs_barred_list_checked,
        dbs_update_service = excluded.dbs_update_service, hr_clearance = excluded.hr_clearance,
        badge_number = excluded.badge_number, badge_authority = excluded.badge_authority,
        badge_expires_on = excluded.badge_expires_on
      """;

  static final String UPSERT_ROUTES =
      """
      insert into route (id, operator_id, school_id, requires_guide)
      select * from unnest($1::text[], $2::text[], $3::text[], $4::text[]::bool[])
      on conflict (id) do update set operator_id = excluded.operator_id,
        school_id = excluded.school_id, requires_guide = excluded.requires_guide
      """;

  static final String UPSERT_RUNS =
      """
      insert into run (id, route_id, service_date, direction, arrive_by, planned_driver_id,
                       planned_guide_id)
      select * from unnest($1::text[], $2::text[], $3::text[]::date[], $4::text[], $5::text[]::time[],
                           $6::text[], $7::text[])
      on conflict (id) do update set route_id = excluded.route_id,
        service_date = excluded.service_date, direction = excluded.direction,
        arrive_by = excluded.arrive_by, planned_driver_id = excluded.planned_driver_id,
        planned_guide_id = excluded.planned_guide_id
      """;

  /** The channel a plan write notifies when it commits; every server listens on it. */
  static final String CHANGED_CHANNEL = "travelwatch_plan_changed";

  /** Sent inside the write's transaction, so listeners hear of it only once it is committed. */
  static final String NOTIFY_CHANGED = "select pg_notify('" + CHANGED_CHANNEL + "', '')";

  /** A run's stops are replaced whole on re-import; stop_pupil rows go with them. */
  static final String DELETE_STOPS_OF_RUNS = "delete from stop where run_id = any($1::text[])";

  static final String INSERT_STOPS =
      """
      insert into stop (run_id, id, seq, lat, lon, planned_time)
      select * from unnest($1::text[], $2::text[], $3::text[]::int4[], $4::text[]::float8[], $5::text[]::float8[],
                           $6::text[]::time[])
      """;

  static final String INSERT_STOP_PUPILS =
      """
      insert into stop_pupil (run_id, stop_id, pupil_id, action)
      select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])
      """;

  static final String KNOWN_OPERATORS = "select id from operator where id = any($1::text[])";
  static final String KNOWN_SCHOOLS = "select id from school where id = any($1::text[])";
  static final String KNOWN_PUPILS = "select id from pupil where id = any($1::text[])";
  static final String KNOWN_CREW =
      "select id, operator_id, role from crew where id = any($1::text[])";
  static final String KNOWN_ROUTES = "select id, operator_id from route where id = any($1::text[])";

  static final String OPERATORS =
      "select id, name, email, phone, control_room_email from operator order by id";

  static final String DESCRIBE_RUNS =
      """
      select r.id, r.route_id, r.service_date, r.direction, r.arrive_by,
             o.id as operator_id, o.name as operator_name, o.phone as operator_phone,
             s.name as school_name,
             (select count(distinct sp.pupil_id) from stop_pupil sp where sp.run_id = r.id)
               as pupils
      from run r join route rt on rt.id = r.route_id
        join operator o on o.id = rt.operator_id join school s on s.id = rt.school_id
      where r.id = any($1::text[])
      """;

  static final String CREW_ROLE = "select role from crew where id = $1";

  static final String DESCRIBE_OPERATORS =
      "select id, name, phone from operator where id = any($1::text[])";
  static final String SCHOOLS =
      "select id, name, lat, lon, start_time, finish_time, phase, email from school order by id";
  static final String PUPILS = "select id, school_id, max_journey_minutes from pupil order by id";
  private static final String CREW_COLUMNS =
      """
      select id, operator_id, role, dbs_certificate_number, dbs_issued_on, dbs_outcome,
             dbs_barred_list_checked, dbs_update_service, hr_clearance, badge_number,
             badge_authority, badge_expires_on
      from crew
      """;
  static final String CREW = CREW_COLUMNS + " order by id";
  static final String CREW_OF = CREW_COLUMNS + " where id = any($1::text[]) order by id";
  static final String ROUTES =
      "select id, operator_id, school_id, requires_guide from route order by id";
  static final String RUNS_BETWEEN =
      """
      select id, route_id, service_date, direction, arrive_by, planned_driver_id, planned_guide_id
      from run where service_date between $1 and $2 order by id
      """;
  static final String STOPS_BETWEEN =
      """
      select s.run_id, s.id, s.seq, s.lat, s.lon, s.planned_time,
             coalesce(array_agg(p.pupil_id order by p.pupil_id)
                      filter (where p.action = 'pickup'), '{}') as pickups,
             coalesce(array_agg(p.pupil_id order by p.pupil_id)
                      filter (where p.action = 'dropoff'), '{}') as dropoffs
      from stop s
      join run r on r.id = s.run_id
      left join stop_pupil p on p.run_id = s.run_id and p.stop_id = s.id
      where r.service_date between $1 and $2
      group by s.run_id, s.id, s.seq, s.lat, s.lon, s.planned_time
      order by s.run_id, s.seq
      """;
}
