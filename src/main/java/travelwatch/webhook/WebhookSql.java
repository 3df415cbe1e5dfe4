package travelwatch.webhook;

/**
 * Every statement on the webhook, webhook_message, webhook_delivery and webhook_attempt tables, and
 * the plan's operator rows webhooks need (whether one exists, its name and email).
 */
final class WebhookSql {
  private WebhookSql() {}

  static final String OPERATOR = "select id, name, email from operator where id = $1";

  static final String COLUMNS =
      """
      id, operator_id, url, events, created_at, failing_since, disabled_at, disabled_reason
      """;

  static final String REGISTER =
      """
      insert into webhook (operator_id, url, events, secret, created_at, created_by)
      values ($1, $2, $3::text[], $4, $5, $6)
      returning id
      """;

  /** An operator's endpoints, or every one when $1 is null; oldest first. */
  static final String LIST =
      "select "
          + COLUMNS
          + """
          from webhook where ($1::text is null or operator_id = $1)
          order by id
          """;

  static final String ONE = "select " + COLUMNS + " from webhook where id = $1";

  static final String DELETE = "delete from webhook where id = $1";

  /** An endpoint's deliveries, newest first, before delivery $2 if given. */
  static final String DELIVERIES =
      """
      select d.id, d.message_id, m.type, d.created_at, d.state, d.tries, d.next_attempt_at,
             d.delivered_at
      from webhook_delivery d join webhook_message m on m.id = d.message_id
      where d.webhook_id = $1 and ($2::bigint is null or d.id < $2)
      order by d.id desc
      limit $3
      """;

  static final String ATTEMPTS =
      """
      select delivery_id, at, status_code, error from webhook_attempt
      where delivery_id = any($1::bigint[])
      order by id
      """;

  /**
   * Writes changes for their operators' endpoints that take their types, in the changes'
   * transaction: each message once (in the order given), a delivery per endpoint. The endpoints are
   * share-locked until the changes commit: a delete or a disabling of one waits for them (and then
   * finds their deliveries), or went first and the endpoint is passed over, so a webhook being
   * deleted never fails a change and a disabled one never gets a delivery.
   */
  static final String WRITE =
      """
      with change as (
        select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])
          with ordinality as c(operator_id, type, ordering_key, body, n)
      ), endpoint as (
        select id, operator_id, events from webhook
        where disabled_at is null and operator_id = any($1::text[])
        for share
      ), message as (
        insert into webhook_message (operator_id, type, ordering_key, body, created_at)
        select c.operator_id, c.type, c.ordering_key, c.body, $5 from change c
        where exists (select 1 from endpoint e
                      where e.operator_id = c.operator_id and c.type = any(e.events))
        order by c.n
        returning id, operator_id, type, ordering_key
      )
      insert into webhook_delivery (webhook_id, message_id, ordering_key, created_at,
                                    next_attempt_at)
      select e.id, m.id, m.ordering_key, $5, $5
      from message m join endpoint e on e.operator_id = m.operator_id and m.type = any(e.events)
      order by m.id, e.id
      on conflict (webhook_id, message_id) do nothing
      """;

  /**
   * Deliveries due at $1 that are next in their order: an endpoint's earlier pending delivery with
   * the same ordering key (the same run) goes first.
   */
  static final String DUE =
      """
      select d.id, d.webhook_id, d.message_id, d.created_at, d.tries, w.url, w.secret, m.body
      from webhook_delivery d
      join webhook w on w.id = d.webhook_id
      join webhook_message m on m.id = d.message_id
      where d.state = 'pending' and d.next_attempt_at <= $1 and w.disabled_at is null
        and not exists (select 1 from webhook_delivery e
                        where e.webhook_id = d.webhook_id and e.ordering_key = d.ordering_key
                          and e.state = 'pending' and e.id < d.id)
      order by d.next_attempt_at, d.id
      limit $2
      """;

  static final String ATTEMPTED =
      "insert into webhook_attempt (delivery_id, at, status_code, error) values ($1, $2, $3, $4)";

  static final String DELIVERED =
      """
      update webhook_delivery set state = 'delivered', delivered_at = $2, tries = tries + 1
      where id = $1 and state = 'pending'
      """;

  static final String RETRY =
      """
      update webhook_delivery set tries = tries + 1, next_attempt_at = $2
      where id = $1 and state = 'pending'
      """;

  static final String GIVE_UP =
      """
      update webhook_delivery set state = 'failed', tries = tries + 1
      where id = $1 and state = 'pending'
      """;

  /**
   * The endpoint answers again. The endpoint's row is written only when that changes, as a write
   * waits for the changes being written for it (see {@link #WRITE}).
   */
  static final String ANSWERING =
      "update webhook set failing_since = null where id = $1 and failing_since is not null";

  /** The endpoint's first failure with no success after it. */
  static final String FAILING =
      """
      update webhook set failing_since = $2
      where id = $1 and disabled_at is null and failing_since is null
      """;

  /** Since when an endpoint still enabled has failed, and whose it is. */
  static final String FAILING_SINCE =
      "select failing_since, operator_id, url from webhook where id = $1 and disabled_at is null";

  static final String DISABLE =
      """
      update webhook set disabled_at = $2, disabled_reason = $3
      where id = $1 and disabled_at is null
      """;

  /** A disabled endpoint's deliveries still waiting are given up with it. */
  static final String FAIL_WAITING =
      "update webhook_delivery set state = 'failed' where webhook_id = $1 and state = 'pending'";

  static final String PENDING =
      """
      select count(*) as pending, min(created_at) as oldest
      from webhook_delivery where state = 'pending'
      """;

  static final String FAILED =
      "select count(*) as failed from webhook_delivery where state = 'failed'";

  static final String DISABLED =
      "select count(*) as disabled from webhook where disabled_at is not null";

  /** The webhook relay's lock class: one relay sends at a time across the cluster. */
  static final int RELAY_LOCK = 0x54575748;

  static final String TRY_RELAY_LOCK = "select pg_try_advisory_lock($1::int, 0) as locked";

  static final String RELAY_UNLOCK = "select pg_advisory_unlock($1::int, 0)";

  static final String HOLDS_RELAY_LOCK =
      """
      select exists (select 1 from pg_locks
                     where locktype = 'advisory' and pid = pg_backend_pid()
                       and classid = $1::int::oid and objid = 0 and granted) as held
      """;
}
