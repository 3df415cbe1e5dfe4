package travelwatch.live;

/** Every statement on the live_event table: the numbered feed of alert and run changes. */
final class LiveSql {
  private LiveSql() {}

  /**
   * The live stream's lock, held to commit: numbers are then committed in order, whichever node
   * writes, so a client resuming after {@code Last-Event-ID} never misses an entry that was still
   * being written when it read.
   */
  static final String LIVE_ORDER = "select pg_advisory_xact_lock(1415007301, 0)";

  /** Appends to the live stream, taking its lock if the transaction does not hold it yet. */
  static final String APPEND_LIVE =
      """
      with in_order as (select pg_advisory_xact_lock(1415007301, 0))
      insert into live_event (kind, at, payload)
      select $1, $2, $3::text::json from in_order returning seq
      """;

  static final String LIVE_AFTER =
      "select seq, kind, payload::text from live_event where seq > $1 order by seq limit $2";
}
