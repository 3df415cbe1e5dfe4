package travelwatch.monitor;

/** Statements the monitors run: replay from the event store, and the run_state table. */
final class MonitorSql {
  private MonitorSql() {}

  private static final String EVENT_COLUMNS =
      "seq, owner, event_id, type, occurred_at, received_at, run_id, body::text as body";

  /** The day's events, and every crew event ever (DBS, badge and clearance facts last). */
  static final String REPLAY =
      "select "
          + EVENT_COLUMNS
          + """
           from event
          where service_date = $1
             or type in ('crew.dbs_checked', 'crew.badge_updated', 'crew.cleared')
          order by seq
          """;

  /** Every crew event ever: what operators and HR have reported about DBS, badges, clearance. */
  static final String CREW_EVENTS =
      "select "
          + EVENT_COLUMNS
          + """
           from event
          where type in ('crew.dbs_checked', 'crew.badge_updated', 'crew.cleared')
          order by seq
          """;

  /** What operators and HR have reported about some crew members ($1). */
  static final String CREW_EVENTS_OF =
      "select "
          + EVENT_COLUMNS
          + """
           from event
          where type in ('crew.dbs_checked', 'crew.badge_updated', 'crew.cleared')
            and body->>'crewId' = any($1::text[])
          order by seq
          """;

  private static final String CREW_FACTS =
      "type in ('crew.dbs_checked', 'crew.badge_updated', 'crew.cleared')";

  /**
   * As {@link #REPLAY}, for some shards: their runs' events, and the council-wide ones if asked.
   */
  static final String REPLAY_SHARDS =
      "select "
          + EVENT_COLUMNS
          + " from event where (service_date = $1"
          + " and (run_id = any($2::text[]) or ($3 and run_id is null))) or "
          + CREW_FACTS
          + " order by seq";

  /** As {@link #REPLAY_SHARDS}, from the stored sequence number {@code $4} on. */
  static final String CATCH_UP =
      "select "
          + EVENT_COLUMNS
          + " from event where seq > $4 and ((service_date = $1"
          + " and (run_id = any($2::text[]) or ($3 and run_id is null))) or "
          + CREW_FACTS
          + ") order by seq";

  static final String LATEST_SEQ = "select coalesce(max(seq), 0) from event";

  static final String UPSERT_RUN_STATE =
      """
      insert into run_state (run_id, status, eta, minutes_late, driver_id, guide_id, vehicle_reg,
                             started_at, arrived_at, updated_at, lat, lon, position_at)
      select * from unnest($1::text[], $2::text[], $3::timestamptz[], $4::int4[], $5::text[],
                           $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[],
                           $10::timestamptz[], $11::float8[], $12::float8[], $13::timestamptz[])
      on conflict (run_id) do update set status = excluded.status, eta = excluded.eta,
        minutes_late = excluded.minutes_late, driver_id = excluded.driver_id,
        guide_id = excluded.guide_id, vehicle_reg = excluded.vehicle_reg,
        started_at = excluded.started_at, arrived_at = excluded.arrived_at,
        updated_at = excluded.updated_at, lat = excluded.lat, lon = excluded.lon,
        position_at = excluded.position_at
      """;

  /**
   * Each pupil's journey on the saved runs (see V17): their stops, expected times, what happened.
   */
  static final String UPSERT_PUPIL_JOURNEY =
      """
      insert into pupil_journey (run_id, pupil_id, service_date, direction, school_id,
                                 pickup_stop_id, planned_pickup_at, expected_pickup_at,
                                 dropoff_stop_id, planned_dropoff_at, expected_dropoff_at,
                                 pickup_reached_at, dropoff_reached_at, started_at, boarded_at,
                                 absent_at, dropped_at, dropped_stop_id, dropped_off_plan,
                                 cancelled_at, updated_at)
      select * from unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::text[],
                           $6::text[], $7::timestamptz[], $8::timestamptz[], $9::text[],
                           $10::timestamptz[], $11::timestamptz[], $12::timestamptz[],
                           $13::timestamptz[], $14::timestamptz[], $15::timestamptz[],
                           $16::timestamptz[], $17::timestamptz[], $18::text[], $19::bool[],
                           $20::timestamptz[], $21::timestamptz[])
      on conflict (run_id, pupil_id) do update set
        service_date = excluded.service_date, direction = excluded.direction,
        school_id = excluded.school_id, pickup_stop_id = excluded.pickup_stop_id,
        planned_pickup_at = excluded.planned_pickup_at,
        expected_pickup_at = excluded.expected_pickup_at,
        dropoff_stop_id = excluded.dropoff_stop_id,
        planned_dropoff_at = excluded.planned_dropoff_at,
        expected_dropoff_at = excluded.expected_dropoff_at,
        pickup_reached_at = excluded.pickup_reached_at,
        dropoff_reached_at = excluded.dropoff_reached_at,
        started_at = excluded.started_at, boarded_at = excluded.boarded_at,
        absent_at = excluded.absent_at, dropped_at = excluded.dropped_at,
        dropped_stop_id = excluded.dropped_stop_id,
        dropped_off_plan = excluded.dropped_off_plan, cancelled_at = excluded.cancelled_at,
        updated_at = excluded.updated_at
      """;
}
