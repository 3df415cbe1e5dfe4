package travelwatch.tracker;

/** The tracker registry, and the run a tracker's vehicle is on. */
final class TrackerSql {
  private TrackerSql() {}

  static final String OPERATOR_EXISTS = "select 1 from operator where id = $1";

  static final String REGISTER =
      """
      insert into tracker (id, operator_id, vehicle_reg, label, unique_id, created_at, created_by)
      values ($1, $2, $3, $4, $5, $6, $7)
      """;

  /** A live tracker with Traccar's uniqueId $2 of operator $1 (at most one). */
  static final String UNIQUE_ID_TAKEN =
      """
      select 1 from tracker
      where operator_id = $1 and unique_id = $2 and revoked_at is null
      """;

  static final String LIST =
      """
      select id, operator_id, vehicle_reg, label, unique_id, created_at
      from tracker where operator_id = $1 and revoked_at is null order by created_at, id
      """;

  static final String REVOKE =
      """
      update tracker set revoked_at = $3
      where id = $1 and ($2::text is null or operator_id = $2) and revoked_at is null
      """;

  static final String BY_ID =
      """
      select id, operator_id, vehicle_reg from tracker where id = $1 and revoked_at is null
      """;

  static final String BY_UNIQUE_ID =
      """
      select id, operator_id, vehicle_reg from tracker
      where operator_id = $1 and unique_id = $2 and revoked_at is null
      """;

  /**
   * The run of operator $1 on service date $2 that vehicle $3 (capitals, no spaces) is on: started
   * (or arrived, not yet completed), as the monitors saved its state; the latest started if two.
   */
  static final String RUN_OF_VEHICLE =
      """
      select r.id
      from run r
      join route rt on rt.id = r.route_id
      join run_state s on s.run_id = r.id
      where rt.operator_id = $1 and r.service_date = $2
        and s.status in ('started', 'arrived')
        and upper(replace(s.vehicle_reg, ' ', '')) = $3
      order by s.started_at desc nulls last, r.id
      limit 1
      """;
}
