package travelwatch.parent;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import travelwatch.access.ParentLinks;
import travelwatch.live.LiveEvents;
import travelwatch.live.LiveEvents.LiveEvent;
import travelwatch.notify.Email;
import travelwatch.notify.Outbox;
import travelwatch.platform.Rfc3339;
import travelwatch.platform.db.Database;
import travelwatch.platform.http.ApiException;

/** Parents' subscriptions, notices and messages, and the journeys they are about. */
final class ParentStore {
  private final Pool pool;
  private final ZoneId zone;

  ParentStore(Pool pool, ZoneId zone) {
    this.pool = pool;
    this.zone = zone;
  }

  /** A confirmed subscription's journey of the day. */
  record Subscribed(
      long linkId, String pupilId, Set<JourneyNotices.Kind> wanted, Journey journey) {}

  /** A subscription as its parent sees it. */
  record Subscription(String email, List<String> wanted, boolean confirmed) {}

  /** A message with its replies, as JSON. */
  record Message(long id, long linkId, JsonObject json) {}

  /** What a change to a message wrote: the message and its live stream entry. */
  record MessageChange(JsonObject message, List<LiveEvent> events) {}

  Future<List<Journey>> journeys(String pupilId, LocalDate date) {
    return pool.preparedQuery(ParentSql.JOURNEYS_OF_PUPIL)
        .execute(Tuple.of(pupilId, date))
        .map(
            rows -> {
              List<Journey> journeys = new ArrayList<>();
              for (Row r : rows) {
                journeys.add(journey(pupilId, r));
              }
              return journeys;
            });
  }

  Future<List<Subscribed>> subscribedJourneys(LocalDate date, Instant now) {
    return pool.preparedQuery(ParentSql.SUBSCRIBED_JOURNEYS)
        .execute(Tuple.of(date, Database.utc(now)))
        .map(
            rows -> {
              List<Subscribed> found = new ArrayList<>();
              for (Row r : rows) {
                Set<JourneyNotices.Kind> notify = new java.util.HashSet<>();
                for (String k : r.getArrayOfStrings("notify")) {
                  notify.add(JourneyNotices.Kind.parse(k));
                }
                String pupilId = r.getString("pupil_id");
                found.add(
                    new Subscribed(r.getLong("link_id"), pupilId, notify, journey(pupilId, r)));
              }
              return found;
            });
  }

  /** What each link has been told, per run. */
  Future<Map<String, List<JourneyNotices.Notice>>> noticesSent(List<Long> linkIds) {
    return pool.preparedQuery(ParentSql.NOTICES_SENT)
        .execute(Tuple.of((Object) linkIds.toArray(new Long[0])))
        .map(
            rows -> {
              Map<String, List<JourneyNotices.Notice>> sent = new java.util.HashMap<>();
              for (Row r : rows) {
                sent.computeIfAbsent(
                        noticeKey(r.getLong("link_id"), r.getString("run_id")),
                        k -> new ArrayList<>())
                    .add(
                        new JourneyNotices.Notice(
                            JourneyNotices.Kind.parse(r.getString("kind")),
                            r.getInteger("minutes")));
              }
              return sent;
            });
  }

  static String noticeKey(long linkId, String runId) {
    return linkId + "/" + runId;
  }

  /**
   * Records a notice and writes its email in one transaction, if the link is still live, its
   * address confirmed, and the notice still due given what the link was told (read under the
   * address's lock, so two nodes' passes take turns); true if written.
   */
  Future<Boolean> sendNotice(
      long linkId,
      String runId,
      JourneyNotices.Notice notice,
      Instant now,
      java.util.function.Predicate<List<JourneyNotices.Notice>> stillDue,
      EmailWriter writer) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(ParentSql.CONFIRMED_ADDRESS)
                .execute(Tuple.of(linkId, Database.utc(now)))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.succeededFuture(false);
                      }
                      Row address = rows.iterator().next();
                      return conn.preparedQuery(ParentSql.NOTICES_OF_RUN)
                          .execute(Tuple.of(linkId, runId))
                          .compose(
                              told -> {
                                List<JourneyNotices.Notice> sent = new ArrayList<>();
                                for (Row t : told) {
                                  sent.add(
                                      new JourneyNotices.Notice(
                                          JourneyNotices.Kind.parse(t.getString("kind")),
                                          t.getInteger("minutes")));
                                }
                                if (!stillDue.test(sent)) {
                                  return Future.succeededFuture(false);
                                }
                                return record(conn, linkId, runId, notice, now, address, writer);
                              });
                    }));
  }

  private Future<Boolean> record(
      SqlConnection conn,
      long linkId,
      String runId,
      JourneyNotices.Notice notice,
      Instant now,
      Row address,
      EmailWriter writer) {
    return conn.preparedQuery(ParentSql.RECORD_NOTICE)
        .execute(
            Tuple.of(linkId, runId, notice.kind().wireName(), notice.minutes(), Database.utc(now)))
        .compose(
            recorded -> {
              if (recorded.size() == 0) {
                return Future.succeededFuture(false);
              }
              Email email =
                  writer.write(
                      linkId, address.getString("email"), address.getString("unsubscribe_code"));
              return Outbox.enqueue(conn, email, now).map(true);
            });
  }

  /** Writes an email to a confirmed address, with its unsubscribe code. */
  interface EmailWriter {
    Email write(long linkId, String to, String unsubscribeCode);
  }

  Future<Optional<Subscription>> subscription(long linkId) {
    return pool.preparedQuery(ParentSql.SUBSCRIPTION)
        .execute(Tuple.of(linkId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(
                  new Subscription(
                      r.getString("email"),
                      Arrays.asList(r.getArrayOfStrings("notify")),
                      r.getOffsetDateTime("confirmed_at") != null));
            });
  }

  /** The outcome of asking for emails: whether a confirmation was sent, or too many were. */
  enum SubscribeOutcome {
    CONFIRMATION_SENT,
    ALREADY_CONFIRMED,
    TOO_MANY_CONFIRMATIONS
  }

  /**
   * Sets a link's address and what to send it. A new address (or one not yet confirmed) gets a new
   * confirmation code and a confirmation email, at most {@code perDay} a day; an address already
   * confirmed only changes what is sent.
   */
  Future<SubscribeOutcome> subscribe(
      long linkId,
      String email,
      List<String> notify,
      byte[] confirmHash,
      String unsubscribeCode,
      int perDay,
      Instant now,
      EmailWriter confirmation) {
    LocalDate today = now.atZone(zone).toLocalDate();
    return pool.withTransaction(
        conn ->
            lockLive(conn, linkId, now)
                .compose(v -> conn.preparedQuery(ParentSql.SUBSCRIPTION).execute(Tuple.of(linkId)))
                .compose(
                    rows -> {
                      Row old = rows.size() == 0 ? null : rows.iterator().next();
                      boolean sameConfirmed =
                          old != null
                              && old.getOffsetDateTime("confirmed_at") != null
                              && old.getString("email").equalsIgnoreCase(email);
                      if (sameConfirmed) {
                        return conn.preparedQuery(ParentSql.UPSERT_SUBSCRIPTION)
                            .execute(
                                Tuple.wrap(
                                    new ArrayList<>(
                                        Arrays.asList(
                                            linkId,
                                            old.getString("email"),
                                            notify.toArray(new String[0]),
                                            old.getBuffer("confirm_hash"),
                                            old.getOffsetDateTime("confirmed_at"),
                                            old.getString("unsubscribe_code"),
                                            Database.utc(now),
                                            old.getLocalDate("confirmations_day"),
                                            old.getInteger("confirmations_sent")))))
                            .map(SubscribeOutcome.ALREADY_CONFIRMED);
                      }
                      int sentToday =
                          old != null && today.equals(old.getLocalDate("confirmations_day"))
                              ? old.getInteger("confirmations_sent")
                              : 0;
                      if (sentToday >= perDay) {
                        return Future.succeededFuture(SubscribeOutcome.TOO_MANY_CONFIRMATIONS);
                      }
                      return conn.preparedQuery(ParentSql.UPSERT_SUBSCRIPTION)
                          .execute(
                              Tuple.wrap(
                                  new ArrayList<>(
                                      Arrays.asList(
                                          linkId,
                                          email,
                                          notify.toArray(new String[0]),
                                          Buffer.buffer(confirmHash),
                                          null,
                                          unsubscribeCode,
                                          Database.utc(now),
                                          today,
                                          sentToday + 1))))
                          .compose(
                              v ->
                                  Outbox.enqueue(
                                      conn,
                                      confirmation.write(linkId, email, unsubscribeCode),
                                      now))
                          .map(SubscribeOutcome.CONFIRMATION_SENT);
                    }));
  }

  Future<Optional<Subscription>> confirm(long linkId, byte[] codeHash, Instant now) {
    return pool.preparedQuery(ParentSql.CONFIRM)
        .execute(Tuple.of(linkId, Buffer.buffer(codeHash), Database.utc(now)))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(
                  new Subscription(
                      r.getString("email"), Arrays.asList(r.getArrayOfStrings("notify")), true));
            });
  }

  /** Locks a live link; a link revoked or ended meanwhile is a 401, as its token now is. */
  private static Future<Void> lockLive(SqlConnection conn, long linkId, Instant now) {
    return conn.preparedQuery(ParentSql.LOCK_LINK)
        .execute(Tuple.of(linkId, Database.utc(now)))
        .compose(
            rows ->
                rows.size() == 0
                    ? Future.failedFuture(
                        ApiException.unauthorized(
                            "This link has ended: ask the transport service for a new one."))
                    : Future.succeededFuture());
  }

  /** Deletes a link's address and what it was told; true if there was one. */
  Future<Boolean> unsubscribe(long linkId) {
    return pool.withTransaction(conn -> deleteAddress(conn, linkId));
  }

  /**
   * The address first (a notice being written holds its lock, so this waits for it), then what the
   * link was told, then its emails: those not sent are never sent, the sent keep no address.
   */
  private static Future<Boolean> deleteAddress(SqlConnection conn, long linkId) {
    return conn.preparedQuery(ParentSql.DELETE_SUBSCRIPTION)
        .execute(Tuple.of(linkId))
        .compose(
            deleted ->
                conn.preparedQuery(ParentSql.DELETE_NOTICES)
                    .execute(Tuple.of(linkId))
                    .compose(
                        v ->
                            Outbox.forget(
                                conn, Email.Kind.PARENT, ParentSql.messageIdPrefix(linkId)))
                    .map(deleted.size() > 0));
  }

  /**
   * What the retention job removes: the address of each link that has ended (as a revocation does),
   * and messages written before {@code messagesBefore} with their replies. Each link is its own
   * transaction. Answers how many addresses and messages went.
   */
  Future<Integer> forgetEnded(Instant now, Instant messagesBefore) {
    return pool.preparedQuery(ParentSql.ENDED_WITH_ADDRESS)
        .execute(Tuple.of(Database.utc(now)))
        .compose(
            rows -> {
              Future<Integer> forgotten = Future.succeededFuture(0);
              for (Row r : rows) {
                long linkId = r.getLong("link_id");
                forgotten =
                    forgotten.compose(n -> unsubscribe(linkId).map(deleted -> deleted ? n + 1 : n));
              }
              return forgotten;
            })
        .compose(
            addresses ->
                pool.withTransaction(
                    conn ->
                        conn.preparedQuery(ParentSql.DELETE_OLD_REPLIES)
                            .execute(Tuple.of(Database.utc(messagesBefore)))
                            .compose(
                                v ->
                                    conn.preparedQuery(ParentSql.DELETE_OLD_MESSAGES)
                                        .execute(Tuple.of(Database.utc(messagesBefore))))
                            .map(deleted -> addresses + deleted.rowCount())));
  }

  /** The one-click unsubscribe: the code names the subscription. */
  Future<Boolean> unsubscribeByCode(String code) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(ParentSql.LINK_OF_UNSUBSCRIBE_CODE)
                .execute(Tuple.of(code))
                .compose(
                    rows ->
                        rows.size() == 0
                            ? Future.succeededFuture(false)
                            : deleteAddress(conn, rows.iterator().next().getLong("link_id"))));
  }

  /** Revokes a link and deletes its address with it; empty if there is no such link. */
  Future<Optional<String>> revoke(long linkId, Instant now) {
    return pool.withTransaction(
        conn ->
            ParentLinks.revoke(conn, linkId, now)
                .compose(
                    pupil ->
                        pupil.isEmpty()
                            ? Future.succeededFuture(pupil)
                            : deleteAddress(conn, linkId).map(pupil)));
  }

  /** The outcome of a parent's message: its id, or that the day's allowance is used. */
  record Sent(Optional<Long> messageId, List<LiveEvent> events) {}

  Future<Sent> sendMessage(
      long linkId, String pupilId, String category, String text, int perDay, Instant now) {
    Instant dayStart = now.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
    OffsetDateTime at = Database.utc(now);
    return LiveEvents.transaction(
        pool,
        conn ->
            lockLive(conn, linkId, now)
                .compose(
                    v ->
                        conn.preparedQuery(ParentSql.MESSAGES_SINCE)
                            .execute(Tuple.of(linkId, Database.utc(dayStart))))
                .compose(
                    count -> {
                      if (count.iterator().next().getLong(0) >= perDay) {
                        return Future.succeededFuture(new Sent(Optional.empty(), List.of()));
                      }
                      return conn.preparedQuery(ParentSql.INSERT_MESSAGE)
                          .execute(Tuple.of(linkId, pupilId, category, text, at))
                          .compose(
                              ids -> {
                                long id = ids.iterator().next().getLong(0);
                                JsonObject entry = streamEntry(id, pupilId, category, "open", now);
                                return LiveEvents.append(conn, "message", entry, at)
                                    .map(e -> new Sent(Optional.of(id), List.of(e)));
                              });
                    }));
  }

  Future<List<Message>> messagesOfLink(long linkId) {
    return pool.preparedQuery(ParentSql.MESSAGES_OF_LINK)
        .execute(Tuple.of(linkId))
        .map(this::messages);
  }

  Future<List<Message>> messages(String state, int limit) {
    return pool.preparedQuery(ParentSql.MESSAGES_IN_STATE)
        .execute(Tuple.of(state, limit))
        .map(this::messages);
  }

  private List<Message> messages(io.vertx.sqlclient.RowSet<Row> rows) {
    List<Message> messages = new ArrayList<>();
    for (Row r : rows) {
      JsonArray replies = new JsonArray();
      for (Object o : new JsonArray(r.getString("replies"))) {
        JsonObject reply = (JsonObject) o;
        replies.add(
            new JsonObject()
                .put("author", reply.getString("author"))
                .put("text", reply.getString("text"))
                .put("at", Rfc3339.format(OffsetDateTime.parse(reply.getString("at")), zone)));
      }
      JsonObject json =
          new JsonObject()
              .put("messageId", r.getLong("id"))
              .put("pupilId", r.getString("pupil_id"))
              .put("category", r.getString("category"))
              .put("text", r.getString("text"))
              .put("state", r.getString("state"))
              .put("createdAt", Rfc3339.format(r.getOffsetDateTime("created_at"), zone));
      if (r.getOffsetDateTime("answered_at") != null) {
        json.put("answeredAt", Rfc3339.format(r.getOffsetDateTime("answered_at"), zone));
      }
      if (r.getOffsetDateTime("closed_at") != null) {
        json.put("closedAt", Rfc3339.format(r.getOffsetDateTime("closed_at"), zone));
      }
      messages.add(
          new Message(r.getLong("id"), r.getLong("link_id"), json.put("replies", replies)));
    }
    return messages;
  }

  /**
   * A staff reply: stored, the message answered, the reply emailed to the link's confirmed address
   * if it has one, and the change on the live stream, in one transaction; empty if no such message.
   */
  Future<Optional<MessageChange>> reply(
      long messageId,
      String author,
      String text,
      Instant now,
      Instant sendAfter,
      EmailWriter writer) {
    OffsetDateTime at = Database.utc(now);
    return changeMessage(
        messageId,
        "answered",
        now,
        (conn, m) ->
            conn.preparedQuery(ParentSql.INSERT_REPLY)
                .execute(Tuple.of(messageId, author, text, at))
                .compose(
                    v -> conn.preparedQuery(ParentSql.ANSWERED).execute(Tuple.of(messageId, at)))
                .compose(
                    v ->
                        conn.preparedQuery(ParentSql.CONFIRMED_ADDRESS)
                            .execute(Tuple.of(m.getLong("link_id"), at)))
                .compose(
                    address -> {
                      if (address.size() == 0) {
                        return Future.succeededFuture();
                      }
                      Row a = address.iterator().next();
                      Email email =
                          writer.write(
                              m.getLong("link_id"),
                              a.getString("email"),
                              a.getString("unsubscribe_code"));
                      return Outbox.enqueue(conn, email, now, sendAfter);
                    }));
  }

  /** Closes a message; empty if no such message. */
  Future<Optional<MessageChange>> close(long messageId, Instant now) {
    return changeMessage(
        messageId,
        "closed",
        now,
        (conn, m) ->
            conn.preparedQuery(ParentSql.CLOSE)
                .execute(Tuple.of(messageId, Database.utc(now)))
                .mapEmpty());
  }

  /** A change to a message, made with the message locked and put on the live stream. */
  private Future<Optional<MessageChange>> changeMessage(
      long messageId,
      String state,
      Instant now,
      java.util.function.BiFunction<SqlConnection, Row, Future<Void>> change) {
    return LiveEvents.transaction(
        pool,
        conn ->
            conn.preparedQuery(ParentSql.LOCK_MESSAGE)
                .execute(Tuple.of(messageId))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.succeededFuture(Optional.<MessageChange>empty());
                      }
                      Row m = rows.iterator().next();
                      return change.apply(conn, m).compose(v -> changed(conn, m, state, now));
                    }));
  }

  private Future<Optional<MessageChange>> changed(
      SqlConnection conn, Row m, String state, Instant now) {
    JsonObject entry =
        streamEntry(
            m.getLong("id"),
            m.getString("pupil_id"),
            m.getString("category"),
            state,
            m.getOffsetDateTime("created_at").toInstant());
    return LiveEvents.append(conn, "message", entry, Database.utc(now))
        .map(e -> Optional.of(new MessageChange(entry, List.of(e))));
  }

  /** What the live stream says of a message: references only, never its text. */
  private JsonObject streamEntry(
      long id, String pupilId, String category, String state, Instant createdAt) {
    return new JsonObject()
        .put("messageId", id)
        .put("pupilId", pupilId)
        .put("category", category)
        .put("state", state)
        .put("createdAt", Rfc3339.format(createdAt, zone));
  }

  private Journey journey(String pupilId, Row r) {
    LocalDate date = r.getLocalDate("service_date");
    String status = r.getString("status");
    return new Journey(
        r.getString("run_id"),
        pupilId,
        r.getString("direction"),
        at(date, r.getLocalTime("pickup_time")),
        instant(r, "expected_pickup_at"),
        at(date, r.getLocalTime("dropoff_time")),
        instant(r, "expected_dropoff_at"),
        instant(r, "pickup_reached_at"),
        instant(r, "dropoff_reached_at"),
        instant(r, "started_at"),
        instant(r, "boarded_at"),
        instant(r, "absent_at"),
        instant(r, "dropped_at"),
        "arrived".equals(status) || "completed".equals(status),
        instant(r, "cancelled_at"),
        r.getString("cancel_reason"),
        r.getString("vehicle_reg"));
  }

  private Instant at(LocalDate date, LocalTime time) {
    return date.atTime(time).atZone(zone).toInstant();
  }

  private static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  /** Sorted, distinct, for storing. */
  static List<String> distinct(List<String> kinds) {
    return new ArrayList<>(new TreeSet<>(kinds));
  }
}
