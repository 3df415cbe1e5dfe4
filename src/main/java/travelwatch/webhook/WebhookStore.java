package travelwatch.webhook;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import travelwatch.notify.Email;
import travelwatch.notify.Outbox;
import travelwatch.platform.db.Database;

/**
 * The only code that knows the webhook tables: endpoints, the messages written with each change,
 * their deliveries to each endpoint and every attempt. Messages are written with the caller's
 * connection, so they commit with the change they report; the relay reads and marks deliveries.
 */
final class WebhookStore {
  private final Pool pool;

  WebhookStore(Pool pool) {
    this.pool = pool;
  }

  /** An operator of the plan, with the address it is told things at (none if the plan has none). */
  record Operator(String id, String name, Optional<String> email) {}

  /** A registered endpoint as the API shows it (never its secret). */
  record Endpoint(
      long id,
      String operatorId,
      String url,
      List<String> events,
      Instant createdAt,
      Instant failingSince,
      Instant disabledAt,
      String disabledReason) {}

  /** One try of a delivery and what came of it: the receiver's status code, or what went wrong. */
  record Attempt(Instant at, Integer statusCode, String error) {}

  /** A message for one endpoint, with its tries. */
  record Delivery(
      long id,
      long messageId,
      String type,
      Instant createdAt,
      String state,
      int tries,
      Instant nextAttemptAt,
      Instant deliveredAt,
      List<Attempt> attempts) {}

  /** A delivery due now, with what the relay needs to sign and send it. */
  record Due(
      long id,
      long webhookId,
      long messageId,
      Instant createdAt,
      int tries,
      String url,
      String secret,
      String body) {}

  /** An endpoint just disabled: what its operator is told. */
  record Disabled(
      long webhookId,
      Operator operator,
      String url,
      Instant failingSince,
      Instant at,
      String lastAnswer,
      long dropped) {}

  /** The deliveries waiting, the oldest one's age, those given up, and endpoints disabled. */
  record Backlog(long pending, Optional<Instant> oldestPending, long failed, long disabled) {
    long oldestPendingSeconds(Instant now) {
      return oldestPending.map(o -> Math.max(0, Duration.between(o, now).toSeconds())).orElse(0L);
    }
  }

  Future<Optional<Operator>> operator(String id) {
    return operator(pool, id);
  }

  private static Future<Optional<Operator>> operator(SqlClient sql, String id) {
    return sql.preparedQuery(WebhookSql.OPERATOR)
        .execute(Tuple.of(id))
        .map(
            rows -> {
              for (Row r : rows) {
                return Optional.of(
                    new Operator(
                        r.getString("id"),
                        r.getString("name"),
                        Optional.ofNullable(r.getString("email"))));
              }
              return Optional.<Operator>empty();
            });
  }

  Future<Long> register(
      String operatorId,
      String url,
      List<String> events,
      String secret,
      Instant at,
      String createdBy) {
    return pool.preparedQuery(WebhookSql.REGISTER)
        .execute(
            Tuple.of(
                operatorId,
                url,
                events.toArray(new String[0]),
                secret,
                Database.utc(at),
                createdBy))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  /** An operator's endpoints; every one when {@code operatorId} is null. */
  Future<List<Endpoint>> list(String operatorId) {
    return pool.preparedQuery(WebhookSql.LIST)
        .execute(Tuple.of(operatorId))
        .map(
            rows -> {
              List<Endpoint> found = new ArrayList<>();
              rows.forEach(r -> found.add(endpoint(r)));
              return found;
            });
  }

  Future<Optional<Endpoint>> one(long id) {
    return pool.preparedQuery(WebhookSql.ONE)
        .execute(Tuple.of(id))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(endpoint(rows.iterator().next())));
  }

  private static Endpoint endpoint(Row r) {
    return new Endpoint(
        r.getLong("id"),
        r.getString("operator_id"),
        r.getString("url"),
        List.of(r.getArrayOfStrings("events")),
        instant(r.getOffsetDateTime("created_at")),
        instant(r.getOffsetDateTime("failing_since")),
        instant(r.getOffsetDateTime("disabled_at")),
        r.getString("disabled_reason"));
  }

  /** Deletes the endpoint with its deliveries and their attempts. */
  Future<Void> delete(long id) {
    return pool.preparedQuery(WebhookSql.DELETE).execute(Tuple.of(id)).mapEmpty();
  }

  /** An endpoint's deliveries, newest first, each with its attempts in order. */
  Future<List<Delivery>> deliveries(long webhookId, Long before, int limit) {
    return pool.preparedQuery(WebhookSql.DELIVERIES)
        .execute(Tuple.of(webhookId, before, limit))
        .compose(
            rows -> {
              List<Row> found = new ArrayList<>();
              rows.forEach(found::add);
              Long[] ids = found.stream().map(r -> r.getLong("id")).toArray(Long[]::new);
              return pool.preparedQuery(WebhookSql.ATTEMPTS)
                  .execute(Tuple.of((Object) ids))
                  .map(
                      attemptRows -> {
                        Map<Long, List<Attempt>> attempts = new HashMap<>();
                        for (Row a : attemptRows) {
                          attempts
                              .computeIfAbsent(a.getLong("delivery_id"), k -> new ArrayList<>())
                              .add(
                                  new Attempt(
                                      instant(a.getOffsetDateTime("at")),
                                      a.getInteger("status_code"),
                                      a.getString("error")));
                        }
                        List<Delivery> deliveries = new ArrayList<>();
                        for (Row r : found) {
                          deliveries.add(
                              new Delivery(
                                  r.getLong("id"),
                                  r.getLong("message_id"),
                                  r.getString("type"),
                                  instant(r.getOffsetDateTime("created_at")),
                                  r.getString("state"),
                                  r.getInteger("tries"),
                                  instant(r.getOffsetDateTime("next_attempt_at")),
                                  instant(r.getOffsetDateTime("delivered_at")),
                                  attempts.getOrDefault(r.getLong("id"), List.of())));
                        }
                        return deliveries;
                      });
            });
  }

  /** A change to send: whose, its type, the order it goes in, and the body as it is signed. */
  record Change(String operatorId, String type, String orderingKey, String body) {}

  /**
   * Writes changes for their operators' endpoints that take their types, with the caller's
   * connection (the changes' transaction): nothing for a change no endpoint takes.
   */
  static Future<Void> write(SqlClient sql, List<Change> changes, Instant at) {
    if (changes.isEmpty()) {
      return Future.succeededFuture();
    }
    return sql.preparedQuery(WebhookSql.WRITE)
        .execute(
            Tuple.of(
                changes.stream().map(Change::operatorId).toArray(String[]::new),
                changes.stream().map(Change::type).toArray(String[]::new),
                changes.stream().map(Change::orderingKey).toArray(String[]::new),
                changes.stream().map(Change::body).toArray(String[]::new),
                Database.utc(at)))
        .mapEmpty();
  }

  Future<List<Due>> due(Instant now, int limit) {
    return pool.preparedQuery(WebhookSql.DUE)
        .execute(Tuple.of(Database.utc(now), limit))
        .map(
            rows -> {
              List<Due> due = new ArrayList<>();
              for (Row r : rows) {
                due.add(
                    new Due(
                        r.getLong("id"),
                        r.getLong("webhook_id"),
                        r.getLong("message_id"),
                        instant(r.getOffsetDateTime("created_at")),
                        r.getInteger("tries"),
                        r.getString("url"),
                        r.getString("secret"),
                        r.getString("body")));
              }
              return due;
            });
  }

  /** The receiver took it: the delivery is done and the endpoint answers again. */
  Future<Void> delivered(Due d, Instant at, int statusCode) {
    return pool.withTransaction(
        conn ->
            attempted(conn, d, at, statusCode, null)
                .compose(
                    v ->
                        conn.preparedQuery(WebhookSql.DELIVERED)
                            .execute(Tuple.of(d.id(), Database.utc(at))))
                .compose(
                    v -> conn.preparedQuery(WebhookSql.ANSWERING).execute(Tuple.of(d.webhookId())))
                .mapEmpty());
  }

  /**
   * A failed try, in one transaction: its answer; the delivery's next try at {@code next}, or its
   * end when there is none; the endpoint failing since its first failure without a success after
   * it. An endpoint failing since {@code disableIfFailingSince} or earlier is disabled, its waiting
   * deliveries given up with it, and its operator told by {@code letter} through the email outbox.
   * Answers the endpoint disabled now, if it was.
   */
  Future<Optional<Disabled>> failed(
      Due d,
      Instant at,
      Integer statusCode,
      String error,
      Optional<Instant> next,
      Instant disableIfFailingSince,
      Function<Disabled, Email> letter) {
    String answer = statusCode != null ? "HTTP " + statusCode : error;
    return pool.withTransaction(
        conn ->
            attempted(conn, d, at, statusCode, error)
                .compose(
                    v ->
                        next.isPresent()
                            ? conn.preparedQuery(WebhookSql.RETRY)
                                .execute(Tuple.of(d.id(), Database.utc(next.get())))
                            : conn.preparedQuery(WebhookSql.GIVE_UP).execute(Tuple.of(d.id())))
                .compose(
                    v ->
                        conn.preparedQuery(WebhookSql.FAILING)
                            .execute(Tuple.of(d.webhookId(), Database.utc(at))))
                .compose(
                    v ->
                        conn.preparedQuery(WebhookSql.FAILING_SINCE)
                            .execute(Tuple.of(d.webhookId())))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.succeededFuture(Optional.<Disabled>empty());
                      }
                      Row r = rows.iterator().next();
                      Instant since = instant(r.getOffsetDateTime("failing_since"));
                      if (since.isAfter(disableIfFailingSince)) {
                        return Future.succeededFuture(Optional.<Disabled>empty());
                      }
                      return disable(
                              conn,
                              d.webhookId(),
                              r.getString("operator_id"),
                              r.getString("url"),
                              since,
                              at,
                              answer,
                              letter)
                          .map(Optional::of);
                    }));
  }

  private static Future<Disabled> disable(
      SqlConnection conn,
      long webhookId,
      String operatorId,
      String url,
      Instant since,
      Instant at,
      String lastAnswer,
      Function<Disabled, Email> letter) {
    String reason = "failing since " + since + "; last answer: " + lastAnswer;
    return conn.preparedQuery(WebhookSql.DISABLE)
        .execute(Tuple.of(webhookId, Database.utc(at), reason))
        .compose(v -> conn.preparedQuery(WebhookSql.FAIL_WAITING).execute(Tuple.of(webhookId)))
        .compose(
            dropped ->
                operator(conn, operatorId)
                    .map(
                        o ->
                            new Disabled(
                                webhookId,
                                o.orElse(new Operator(operatorId, operatorId, Optional.empty())),
                                url,
                                since,
                                at,
                                lastAnswer,
                                dropped.rowCount())))
        .compose(
            disabled ->
                disabled.operator().email().isEmpty()
                    ? Future.succeededFuture(disabled)
                    : Outbox.enqueue(conn, letter.apply(disabled), at).map(disabled));
  }

  private static Future<Void> attempted(
      SqlConnection conn, Due d, Instant at, Integer statusCode, String error) {
    return conn.preparedQuery(WebhookSql.ATTEMPTED)
        .execute(
            Tuple.wrap(new ArrayList<>(Arrays.asList(d.id(), Database.utc(at), statusCode, error))))
        .mapEmpty();
  }

  Future<Backlog> backlog() {
    Future<Row> pending = pool.query(WebhookSql.PENDING).execute().map(r -> r.iterator().next());
    Future<Row> failed = pool.query(WebhookSql.FAILED).execute().map(r -> r.iterator().next());
    Future<Row> disabled = pool.query(WebhookSql.DISABLED).execute().map(r -> r.iterator().next());
    return Future.all(pending, failed, disabled)
        .map(
            v ->
                new Backlog(
                    pending.result().getLong("pending"),
                    Optional.ofNullable(instant(pending.result().getOffsetDateTime("oldest"))),
                    failed.result().getLong("failed"),
                    disabled.result().getLong("disabled")));
  }

  Pool pool() {
    return pool;
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
