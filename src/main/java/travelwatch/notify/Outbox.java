package travelwatch.notify;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import travelwatch.notify.RoutingRule.Delivery;
import travelwatch.platform.db.Database;

/**
 * The only code that knows the outbox, digest and routing tables. Emails are written with the
 * caller's connection, so they commit with what they report; the relay reads and marks them.
 */
public final class Outbox {
  private final Pool pool;

  public Outbox(Pool pool) {
    this.pool = pool;
  }

  /** An email waiting to be sent, with how often it was tried. */
  record Pending(long id, Email email, int tries, Instant createdAt) {}

  /** A digest item waiting for its recipient's next digest. */
  record Waiting(long id, String recipient, long alertId, String transition, boolean folded) {}

  /** The backlog: emails waiting, the oldest one's age, emails given up on. */
  public record Backlog(long pending, Optional<Instant> oldestPending, long failed) {
    /** How long the oldest pending email has waited at {@code now}; 0 when none waits. */
    public long oldestPendingSeconds(Instant now) {
      return oldestPending.map(o -> Math.max(0, Duration.between(o, now).toSeconds())).orElse(0L);
    }
  }

  static Future<RoutingTable> rules(SqlClient sql) {
    return sql.query(NotifySql.RULES)
        .execute()
        .map(
            rows -> {
              List<RoutingRule> rules = new ArrayList<>();
              for (Row r : rows) {
                rules.add(
                    new RoutingRule(
                        Delivery.parse(r.getString("delivery")),
                        List.of(r.getArrayOfStrings("recipients")),
                        List.of(r.getArrayOfStrings("alert_types")),
                        List.of(r.getArrayOfStrings("severities")),
                        List.of(r.getArrayOfStrings("operator_ids"))));
              }
              return new RoutingTable(rules);
            });
  }

  public Future<RoutingTable> rules() {
    return rules(pool);
  }

  /** Replaces every rule, in one transaction. */
  public Future<RoutingTable> replaceRules(RoutingTable table) {
    return pool.withTransaction(
        conn -> {
          Future<Void> chain =
              conn.query(NotifySql.LOCK_RULES)
                  .execute()
                  .compose(v -> conn.query(NotifySql.DELETE_RULES).execute())
                  .mapEmpty();
          int position = 0;
          for (RoutingRule rule : table.rules()) {
            int at = ++position;
            chain =
                chain.compose(
                    v ->
                        conn.preparedQuery(NotifySql.INSERT_RULE)
                            .execute(
                                Tuple.of(
                                    at,
                                    rule.delivery().wireName(),
                                    rule.recipients().toArray(new String[0]),
                                    rule.alertTypes().toArray(new String[0]),
                                    rule.severities().toArray(new String[0]),
                                    rule.operatorIds().toArray(new String[0])))
                            .mapEmpty());
          }
          return chain.compose(v -> rules(conn));
        });
  }

  /**
   * Writes an email with the caller's connection, so it commits (and is sent) only with what it
   * reports; an email whose Message-ID is already there is not written twice.
   */
  public static Future<Void> enqueue(SqlClient sql, Email e, Instant at) {
    return enqueue(sql, e, at, at);
  }

  /** As {@link #enqueue(SqlClient, Email, Instant)}, not sent before {@code notBefore}. */
  public static Future<Void> enqueue(SqlClient sql, Email e, Instant at, Instant notBefore) {
    return sql.preparedQuery(NotifySql.ENQUEUE)
        .execute(
            Tuple.wrap(
                new ArrayList<>(
                    Arrays.asList(
                        e.kind().wireName(),
                        e.alertId(),
                        e.recipients().toArray(new String[0]),
                        e.subject(),
                        e.text(),
                        e.html(),
                        e.messageId(),
                        e.inReplyTo(),
                        Database.utc(at),
                        e.unsubscribeUrl(),
                        e.alertType(),
                        Database.utc(notBefore)))))
        .mapEmpty();
  }

  static Future<List<String>> recipientsOf(SqlClient sql, long alertId) {
    return sql.preparedQuery(NotifySql.RECIPIENTS_OF_ALERT)
        .execute(Tuple.of(alertId))
        .map(
            rows -> {
              List<String> found = new ArrayList<>();
              rows.forEach(r -> found.add(r.getString("recipient")));
              return found;
            });
  }

  static Future<Void> addToDigest(
      SqlClient sql,
      List<String> recipients,
      List<Long> alertIds,
      List<String> transitions,
      boolean folded,
      Instant at) {
    if (recipients.isEmpty()) {
      return Future.succeededFuture();
    }
    return sql.preparedQuery(NotifySql.ADD_DIGEST_ITEMS)
        .execute(
            Tuple.of(
                recipients.toArray(new String[0]),
                alertIds.toArray(new Long[0]),
                transitions.toArray(new String[0]),
                folded,
                Database.utc(at)))
        .mapEmpty();
  }

  Future<List<Pending>> due(Instant now, int limit) {
    return pool.preparedQuery(NotifySql.DUE)
        .execute(Tuple.of(Database.utc(now), limit))
        .map(
            rows -> {
              List<Pending> due = new ArrayList<>();
              for (Row r : rows) {
                due.add(
                    new Pending(
                        r.getLong("id"),
                        new Email(
                            Email.Kind.parse(r.getString("kind")),
                            r.getLong("alert_id"),
                            List.of(r.getArrayOfStrings("recipients")),
                            r.getString("subject"),
                            r.getString("text_body"),
                            r.getString("html_body"),
                            r.getString("message_id"),
                            r.getString("in_reply_to"),
                            r.getString("unsubscribe_url"),
                            r.getString("alert_type")),
                        r.getInteger("tries"),
                        r.getOffsetDateTime("created_at").toInstant()));
              }
              return due;
            });
  }

  Future<Void> markSent(long id, Instant at) {
    return pool.preparedQuery(NotifySql.MARK_SENT)
        .execute(Tuple.of(id, Database.utc(at)))
        .mapEmpty();
  }

  Future<Void> retry(long id, Instant next, String error) {
    return pool.preparedQuery(NotifySql.RETRY)
        .execute(Tuple.of(id, Database.utc(next), error))
        .mapEmpty();
  }

  Future<Void> fail(long id, String error) {
    return pool.preparedQuery(NotifySql.FAIL).execute(Tuple.of(id, error)).mapEmpty();
  }

  Future<Long> sentSince(Instant since) {
    return pool.preparedQuery(NotifySql.SENT_SINCE)
        .execute(Tuple.of(Database.utc(since)))
        .map(rows -> rows.iterator().next().getLong("sent"));
  }

  /**
   * Forgets a kind's emails whose Message-ID starts with {@code messageIdPrefix}, with the caller's
   * connection: those not sent are deleted, and the sent ones keep no address nor words (a member
   * of the public's address goes when they ask it to).
   */
  public static Future<Void> forget(SqlClient sql, Email.Kind kind, String messageIdPrefix) {
    return sql.preparedQuery(NotifySql.FORGET_UNSENT)
        .execute(Tuple.of(kind.wireName(), messageIdPrefix))
        .compose(
            v ->
                sql.preparedQuery(NotifySql.SCRUB_SENT)
                    .execute(Tuple.of(kind.wireName(), messageIdPrefix)))
        .mapEmpty();
  }

  /** Moves immediate emails into their recipients' digests; returns how many were folded. */
  Future<Integer> fold(List<Long> ids, Instant at) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(NotifySql.FOLD)
                .execute(Tuple.of(ids.toArray(new Long[0])))
                .compose(
                    rows -> {
                      List<String> recipients = new ArrayList<>();
                      List<Long> alerts = new ArrayList<>();
                      List<String> transitions = new ArrayList<>();
                      for (Row r : rows) {
                        String transition = transitionOf(Email.Kind.parse(r.getString("kind")));
                        for (String to : r.getArrayOfStrings("recipients")) {
                          recipients.add(to);
                          alerts.add(r.getLong("alert_id"));
                          transitions.add(transition);
                        }
                      }
                      return addToDigest(conn, recipients, alerts, transitions, true, at)
                          .map(rows.rowCount());
                    }));
  }

  private static String transitionOf(Email.Kind kind) {
    switch (kind) {
      case ESCALATION:
        return "escalated";
      case RESOLUTION:
        return "resolved";
      default:
        return "raised";
    }
  }

  Future<Optional<Instant>> oldestDigestItem() {
    return pool.query(NotifySql.OLDEST_DIGEST_ITEM)
        .execute()
        .map(
            rows ->
                Optional.ofNullable(rows.iterator().next().getOffsetDateTime("oldest"))
                    .map(OffsetDateTime::toInstant));
  }

  static Future<List<Waiting>> digestWaiting(SqlClient sql) {
    return sql.query(NotifySql.DIGEST_WAITING)
        .execute()
        .map(
            rows -> {
              List<Waiting> waiting = new ArrayList<>();
              for (Row r : rows) {
                waiting.add(
                    new Waiting(
                        r.getLong("id"),
                        r.getString("recipient"),
                        r.getLong("alert_id"),
                        r.getString("transition"),
                        r.getBoolean("folded")));
              }
              return waiting;
            });
  }

  /** Writes a digest email and marks its items as sent in it. */
  static Future<Void> digestWritten(SqlClient sql, Email digest, List<Long> itemIds, Instant at) {
    return enqueue(sql, digest, at)
        .compose(
            v -> sql.preparedQuery(NotifySql.OUTBOX_ID_OF).execute(Tuple.of(digest.messageId())))
        .compose(
            rows ->
                sql.preparedQuery(NotifySql.DIGEST_SENT_IN)
                    .execute(
                        Tuple.of(
                            rows.iterator().next().getLong("id"),
                            (Object) itemIds.toArray(new Long[0]))))
        .mapEmpty();
  }

  Pool pool() {
    return pool;
  }

  public Future<Backlog> backlog() {
    Future<Row> pending = pool.query(NotifySql.PENDING).execute().map(r -> r.iterator().next());
    Future<Row> failed = pool.query(NotifySql.FAILED).execute().map(r -> r.iterator().next());
    return Future.all(pending, failed)
        .map(
            v ->
                new Backlog(
                    pending.result().getLong("pending"),
                    Optional.ofNullable(pending.result().getOffsetDateTime("oldest"))
                        .map(OffsetDateTime::toInstant),
                    failed.result().getLong("failed")));
  }
}
