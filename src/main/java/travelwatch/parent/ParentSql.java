package travelwatch.parent;

/**
 * Every statement on parents' subscriptions, notices and messages, and the one read of a pupil's
 * journeys (the plan's stops with what the monitors saved in {@code pupil_journey}).
 */
final class ParentSql {
  private ParentSql() {}

  /** A journey's columns: the pupil's two stops as planned, and what was seen and reported. */
  private static final String JOURNEY_COLUMNS =
      """
      r.id as run_id, r.service_date, r.direction, pk.planned_time as pickup_time,
      dp.planned_time as dropoff_time, j.expected_pickup_at, j.expected_dropoff_at,
      j.pickup_reached_at, j.dropoff_reached_at, j.started_at,
      j.boarded_at, j.absent_at, j.dropped_at, j.cancelled_at,
      coalesce(s.status, 'planned') as status, s.vehicle_reg,
      case when coalesce(s.status, 'planned') = 'cancelled' then
        (select e.body->>'reason' from event e
         where e.run_id = r.id and e.type = 'run.cancelled' order by e.occurred_at limit 1)
      end as cancel_reason
      """;

  /** The runs of a day that pick up and drop off pupil {@code pupil}, with their stops. */
  private static final String JOURNEY_JOINS =
      """
      join stop_pupil spp on spp.pupil_id = %1$s and spp.action = 'pickup'
      join run r on r.id = spp.run_id and r.service_date = %2$s
      join stop pk on pk.run_id = r.id and pk.id = spp.stop_id
      join stop_pupil spd on spd.run_id = r.id and spd.pupil_id = %1$s and spd.action = 'dropoff'
      join stop dp on dp.run_id = r.id and dp.id = spd.stop_id
      left join pupil_journey j on j.run_id = r.id and j.pupil_id = %1$s
      left join run_state s on s.run_id = r.id
      """;

  static final String JOURNEYS_OF_PUPIL =
      "select "
          + JOURNEY_COLUMNS
          + " from (select $1::text as pupil_id) p "
          + JOURNEY_JOINS.formatted("p.pupil_id", "$2")
          + " order by r.arrive_by, r.id";

  /** Every confirmed subscription of a live link ($2: now) with its pupil's journeys of $1. */
  static final String SUBSCRIBED_JOURNEYS =
      "select sub.link_id, sub.notify, l.pupil_id, "
          + JOURNEY_COLUMNS
          + """
           from parent_subscription sub
          join parent_link l on l.id = sub.link_id and l.revoked_at is null and l.expires_at > $2
          """
          + JOURNEY_JOINS.formatted("l.pupil_id", "$1")
          + " where sub.confirmed_at is not null order by sub.link_id, r.arrive_by";

  static final String NOTICES_SENT =
      "select link_id, run_id, kind, minutes from parent_notice where link_id = any($1::bigint[])";

  /**
   * The confirmed address of a live link, locked: a revocation waits for the notice, and two nodes'
   * passes over one link take turns (the second sees what the first told).
   */
  static final String CONFIRMED_ADDRESS =
      """
      select sub.email, sub.unsubscribe_code
      from parent_subscription sub
      join parent_link l on l.id = sub.link_id and l.revoked_at is null and l.expires_at > $2
      where sub.link_id = $1 and sub.confirmed_at is not null
      for update of sub
      """;

  /** What a link has been told of a run, read under the address's lock. */
  static final String NOTICES_OF_RUN =
      "select kind, minutes from parent_notice where link_id = $1 and run_id = $2";

  static final String RECORD_NOTICE =
      """
      insert into parent_notice (link_id, run_id, kind, minutes, created_at)
      values ($1, $2, $3, $4, $5) on conflict do nothing returning link_id
      """;

  static final String SUBSCRIPTION =
      """
      select email, notify, confirmed_at, confirm_hash, unsubscribe_code, confirmations_day,
             confirmations_sent
      from parent_subscription where link_id = $1
      """;

  /**
   * Locks the link's row if it is still live at $2: one change to its subscription or messages at a
   * time, and none once it is revoked (a revocation waits for the change, or the change finds the
   * link gone). No key update: notices inserted meanwhile still take their key-share lock.
   */
  static final String LOCK_LINK =
      """
      select id from parent_link
      where id = $1 and revoked_at is null and expires_at > $2
      for no key update
      """;

  static final String UPSERT_SUBSCRIPTION =
      """
      insert into parent_subscription (link_id, email, notify, confirm_hash, confirmed_at,
                                       unsubscribe_code, created_at, confirmations_day,
                                       confirmations_sent)
      values ($1, $2, $3::text[], $4, $5, $6, $7, $8, $9)
      on conflict (link_id) do update set email = excluded.email, notify = excluded.notify,
        confirm_hash = excluded.confirm_hash, confirmed_at = excluded.confirmed_at,
        unsubscribe_code = excluded.unsubscribe_code,
        confirmations_day = excluded.confirmations_day,
        confirmations_sent = excluded.confirmations_sent
      """;

  static final String CONFIRM =
      """
      update parent_subscription set confirmed_at = coalesce(confirmed_at, $3)
      where link_id = $1 and confirm_hash = $2
      returning email, notify
      """;

  static final String DELETE_NOTICES = "delete from parent_notice where link_id = $1";

  /** Links that have ended ($1: now) and still hold an address. */
  static final String ENDED_WITH_ADDRESS =
      """
      select sub.link_id from parent_subscription sub
      join parent_link l on l.id = sub.link_id
      where l.expires_at <= $1 or l.revoked_at is not null
      """;

  /** Replies to messages written before $1, then those messages. */
  static final String DELETE_OLD_REPLIES =
      """
      delete from parent_message_reply
      where message_id in (select id from parent_message where created_at < $1)
      """;

  static final String DELETE_OLD_MESSAGES = "delete from parent_message where created_at < $1";

  /** The prefix of every Message-ID of a link's emails (see ParentLetters). */
  static String messageIdPrefix(long linkId) {
    return "<parent." + linkId + ".";
  }

  static final String DELETE_SUBSCRIPTION =
      "delete from parent_subscription where link_id = $1 returning link_id";

  static final String LINK_OF_UNSUBSCRIBE_CODE =
      "select link_id from parent_subscription where unsubscribe_code = $1";

  /** Messages a link sent since $2 (the start of the service's day). */
  static final String MESSAGES_SINCE =
      "select count(*) from parent_message where link_id = $1 and created_at >= $2";

  static final String INSERT_MESSAGE =
      """
      insert into parent_message (link_id, pupil_id, category, text, created_at)
      values ($1, $2, $3, $4, $5) returning id
      """;

  private static final String MESSAGE_COLUMNS =
      """
      m.id, m.link_id, m.pupil_id, m.category, m.text, m.state, m.created_at, m.answered_at,
      m.closed_at,
      coalesce((select json_agg(json_build_object('author', p.author, 'text', p.text,
                                                  'at', p.created_at) order by p.id)
                from parent_message_reply p where p.message_id = m.id), '[]')::text as replies
      """;

  static final String MESSAGES_OF_LINK =
      "select "
          + MESSAGE_COLUMNS
          + " from parent_message m where m.link_id = $1 order by m.id desc limit 100";

  static final String MESSAGES_IN_STATE =
      "select "
          + MESSAGE_COLUMNS
          + " from parent_message m where ($1::text is null or m.state = $1)"
          + " order by m.id desc limit $2";

  static final String LOCK_MESSAGE =
      "select id, link_id, pupil_id, category, state, created_at from parent_message"
          + " where id = $1 for update";

  static final String INSERT_REPLY =
      """
      insert into parent_message_reply (message_id, author, text, created_at)
      values ($1, $2, $3, $4)
      """;

  static final String ANSWERED =
      """
      update parent_message set state = 'answered', answered_at = coalesce(answered_at, $2),
        closed_at = null
      where id = $1
      """;

  static final String CLOSE =
      "update parent_message set state = 'closed', closed_at = coalesce(closed_at, $2)"
          + " where id = $1";
}
