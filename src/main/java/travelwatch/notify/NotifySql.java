package travelwatch.notify;

/** Every statement on the routing rules, the outbox and the digest items. */
final class NotifySql {
  private NotifySql() {}

  static final String RULES =
      """
      select delivery, recipients, alert_types, severities, operator_ids
      from notify_rule order by position
      """;

  static final String DELETE_RULES = "delete from notify_rule";

  static final String INSERT_RULE =
      """
      insert into notify_rule (position, delivery, recipients, alert_types, severities,
                               operator_ids)
      values ($1, $2, $3::text[], $4::text[], $5::text[], $6::text[])
      """;

  /** Serialises rule changes, so two replacements never interleave. */
  static final String LOCK_RULES = "lock table notify_rule in share row exclusive mode";

  static final String ENQUEUE =
      """
      insert into outbox (kind, alert_id, recipients, subject, text_body, html_body, message_id,
                          in_reply_to, created_at, next_attempt_at, unsubscribe_url, alert_type)
      values ($1, $2, $3::text[], $4, $5, $6, $7, $8, $9, $12, $10, $11)
      on conflict (message_id) do nothing
      """;

  /** Everyone who was emailed about an alert (at once or by escalation), folded or not. */
  static final String RECIPIENTS_OF_ALERT =
      """
      select distinct unnest(recipients) as recipient from outbox
      where alert_id = $1 and kind in ('alert', 'escalation')
      order by 1
      """;

  static final String DUE =
      """
      select id, kind, alert_id, recipients, subject, text_body, html_body, message_id,
             in_reply_to, unsubscribe_url, alert_type, tries, created_at
      from outbox
      where state = 'pending' and next_attempt_at <= $1
      order by next_attempt_at, id
      limit $2
      """;

  static final String MARK_SENT =
      """
      update outbox set state = 'sent', sent_at = $2, tries = tries + 1, last_error = null
      where id = $1 and state = 'pending'
      """;

  static final String RETRY =
      "update outbox set tries = tries + 1, next_attempt_at = $2, last_error = $3 where id = $1";

  static final String FAIL =
      "update outbox set state = 'failed', tries = tries + 1, last_error = $2 where id = $1";

  static final String SENT_SINCE = "select count(*) as sent from outbox where sent_at > $1";

  /** Immediate emails over the per-minute cap go into the recipients' digests instead. */
  static final String FOLD =
      """
      update outbox set state = 'folded'
      where id = any($1::bigint[]) and state = 'pending'
        and kind in ('alert', 'escalation', 'resolution')
      returning id, kind, alert_id, recipients
      """;

  static final String ADD_DIGEST_ITEMS =
      """
      insert into digest_item (recipient, alert_id, transition, folded, created_at)
      select r, a, t, $4, $5 from unnest($1::text[], $2::bigint[], $3::text[]) as x(r, a, t)
      """;

  static final String OLDEST_DIGEST_ITEM =
      "select min(created_at) as oldest from digest_item where sent_in is null";

  static final String DIGEST_WAITING =
      """
      select id, recipient, alert_id, transition, folded from digest_item
      where sent_in is null
      order by recipient, id
      for update skip locked
      """;

  static final String DIGEST_SENT_IN =
      "update digest_item set sent_in = $1 where id = any($2::bigint[])";

  static final String OUTBOX_ID_OF = "select id from outbox where message_id = $1";

  static final String PENDING =
      """
      select count(*) as pending, min(created_at) as oldest
      from outbox where state = 'pending'
      """;

  static final String FAILED = "select count(*) as failed from outbox where state = 'failed'";

  /** The relay's lock class: one relay sends at a time across the cluster. */
  static final int RELAY_LOCK = 0x54574D52;

  static final String TRY_RELAY_LOCK = "select pg_try_advisory_lock($1::int, 0) as locked";

  static final String RELAY_UNLOCK = "select pg_advisory_unlock($1::int, 0)";

  static final String HOLDS_RELAY_LOCK =
      """
      select exists (select 1 from pg_locks
                     where locktype = 'advisory' and pid = pg_backend_pid()
                       and classid = $1::int::oid and objid = 0 and granted) as held
      """;

  /** A kind's emails whose Message-ID starts with $2 that are not sent: never to be sent. */
  static final String FORGET_UNSENT =
      """
      delete from outbox
      where kind = $1 and starts_with(message_id, $2) and state in ('pending', 'failed', 'folded')
      """;

  /** And the sent ones keep no address nor words: only that an email went. */
  static final String SCRUB_SENT =
      """
      update outbox set recipients = '{}', subject = '', text_body = '', html_body = '',
        unsubscribe_url = null
      where kind = $1 and starts_with(message_id, $2)
      """;
}
