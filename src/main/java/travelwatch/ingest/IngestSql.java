package travelwatch.ingest;

/** Every statement on the event store, and the plan lookups ingest needs for authorisation. */
final class IngestSql {
  private IngestSql() {}

  /**
   * A group's rows, one array per column, read once; bodies travel as text and become json on
   * insert (a Java string bound as json would be a JSON string). $5 is the one time they were
   * received.
   */
  private static final String ROWS =
      """
      with u as (
        select * from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $6::date[],
                             $7::text[], $8::text[], $9::bytea[], $10::text[])
                      as u(o, i, t, oc, d, r, b, h, s)),
      """;

  /**
   * Each event's key, unique per owner, in event_key beside the event: the partitioned event table
   * cannot hold that key unique itself.
   */
  private static final String INSERT_KEYS =
      """
      k as (insert into event_key (owner, event_id, position, service_date, body_hash)
            select o, i, t = 'vehicle.position', d, h from u
      """;

  private static final String INSERT_EVENTS_OF =
      """
      insert into event (owner, event_id, type, occurred_at, received_at, service_date, run_id,
                         body, body_hash, source)
      select o, i, t, oc, $5::timestamptz, d, r, b::json, h, s
      from u
      """;

  /**
   * A group whose rows are all new: it fails as a whole (unique violation on the key) if any
   * eventId is already stored, and costs less per row than skipping conflicts.
   */
  static final String INSERT_NEW_EVENTS =
      ROWS + INSERT_KEYS + ") " + INSERT_EVENTS_OF + " returning seq, owner, event_id";

  /** A group that may repeat stored events: those whose (owner, eventId) is stored are skipped. */
  static final String INSERT_EVENTS =
      ROWS
          + INSERT_KEYS
          + " on conflict (owner, event_id) do nothing returning owner, event_id) "
          + INSERT_EVENTS_OF
          + " join k on k.owner = u.o and k.event_id = u.i returning seq, owner, event_id";

  static final String EXISTING_HASHES =
      """
      select e.owner, e.event_id, e.body_hash
      from event_key e
      join unnest($1::text[], $2::text[]) as k(owner, event_id)
        on e.owner = k.owner and e.event_id = k.event_id
      """;

  static final String RUN_OPERATORS =
      """
      select r.id, rt.operator_id, r.service_date from run r join route rt on rt.id = r.route_id
      where r.id = any($1::text[])
      """;

  static final String CREW_OPERATORS =
      "select id, operator_id from crew where id = any($1::text[])";

  static final String PUPIL_OPERATORS =
      """
      select distinct sp.pupil_id, rt.operator_id
      from stop_pupil sp join run r on r.id = sp.run_id join route rt on rt.id = r.route_id
      where sp.pupil_id = any($1::text[])
      """;

  /** The last events an owner (a key, or a crew member's phones) sent, newest first. */
  static final String RECENT =
      """
      select seq, event_id, type, occurred_at, received_at, service_date, run_id, source,
             body::text as body
      from event where owner = $1 order by seq desc limit $2
      """;
}
