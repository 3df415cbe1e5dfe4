package travelwatch.retention;

/**
 * Every statement of the retention job: the event store's partitions (its branches event_main and
 * event_position, their default partitions and their keys in event_key) and the job's own record,
 * retention_state. Partition names come from {@link RetentionDates} only, never from input.
 */
final class RetentionSql {
  private RetentionSql() {}

  /** Advisory lock class (first key): 0 the day's pass, 1 making a partition. */
  static final int LOCK = 0x52544E54;

  static final String TRY_PASS_LOCK = "select pg_try_advisory_lock($1::int, 0) as locked";

  static final String PASS_UNLOCK = "select pg_advisory_unlock($1::int, 0)";

  static final String MAKE_LOCK = "select pg_advisory_xact_lock($1::int, 1)";

  /**
   * Dropping or making a partition waits at most this long for the event store's lock, so ingest
   * waits no longer behind it; a pass that gives up is tried again at the next check.
   */
  static final String LOCK_TIMEOUT = "set local lock_timeout = '2s'";

  static final String MAKE_PARTITION =
      "select event_partition_make($1, $2, $3::date, $4::date) as made";

  static final String PARTITIONS =
      """
      select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = to_regclass($1) order by c.relname
      """;

  static String drop(String partition) {
    return "drop table if exists " + partition;
  }

  /** Rows of a branch's default partition dated before $1. */
  static String deleteDefault(String branch) {
    return "delete from " + branch + "_default where service_date < $1";
  }

  static final String STATE =
      "select last_pass_day, coordinates_before from retention_state where id";

  static final String PASSED =
      "update retention_state set last_pass_day = $1, last_pass_at = $2 where id";

  static final String COORDINATES_CLEARED =
      "update retention_state set coordinates_before = $1 where id";

  /** The first service date of an event other than a position from $1 up to $2. */
  static final String FIRST_MAIN_DATE =
      "select min(service_date) from event_main where service_date >= $1 and service_date < $2";

  /** Events dated from $1 up to $2 keep everything but their coordinates. */
  static final String CLEAR_COORDINATES =
      """
      update event_main set body = (body::jsonb - 'lat' - 'lon')::json
      where service_date >= $1 and service_date < $2 and body::jsonb ?| array['lat', 'lon']
      """;

  /** A batch of the keys of removed events: positions before $1, others before $2. */
  static final String DELETE_KEYS =
      """
      delete from event_key where ctid = any(array(
        select ctid from event_key
        where service_date < $1 and (position or service_date < $2)
        limit $3))
      """;

  static final String DELETE_UNREADABLE =
      """
      delete from event_unreadable u where not exists (select 1 from event e where e.seq = u.seq)
      """;
}
