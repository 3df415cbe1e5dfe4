package travelwatch.alert;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import travelwatch.live.LiveEvents;
import travelwatch.live.LiveEvents.LiveEvent;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;

/**
 * The only code that writes alerts. Each change is one transaction: the alert, its transition and
 * its live-stream entry (and, through {@link AlertListener}s, anything else that must happen with
 * it, such as an email in the outbox) are stored together before anyone is told.
 */
public final class AlertStore {
  /**
   * Work that must commit with an alert change, in the same transaction. {@code transition} is the
   * transition recorded ({@code raised}, {@code repeated}, {@code acknowledged}, {@code escalated},
   * {@code condition_cleared}, {@code resolved}), or {@code updated} for new details of a condition
   * that still holds, which records none.
   */
  public interface AlertListener {
    Future<Void> changed(SqlConnection conn, Alert alert, String transition);
  }

  /** An alert list query. */
  public record Filter(
      String state,
      String severity,
      String type,
      LocalDate date,
      String runId,
      Long before,
      int limit,
      String operatorId,
      String schoolId) {}

  private final Pool pool;
  private final Clock clock;
  private final ZoneId zone;
  private final boolean autoResolve;
  private final List<AlertListener> listeners = new ArrayList<>();

  public AlertStore(Pool pool, ServiceClock time, boolean autoResolve) {
    Clock clock = time.clock();
    ZoneId zone = time.zone();
    this.pool = pool;
    this.clock = clock;
    this.zone = zone;
    this.autoResolve = autoResolve;
  }

  public void listen(AlertListener listener) {
    listeners.add(listener);
  }

  public ZoneId zone() {
    return zone;
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /**
   * Raises the new conditions and notes the cleared ones, in one transaction; returns the stream
   * entries.
   */
  public Future<List<LiveEvent>> record(
      List<Condition> raised, List<Condition> updated, List<Condition> cleared) {
    if (raised.isEmpty() && updated.isEmpty() && cleared.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    OffsetDateTime at = now();
    return LiveEvents.transaction(
        pool,
        conn -> {
          List<LiveEvent> events = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (Condition c : raised) {
            chain = chain.compose(v -> raise(conn, c, at, events));
          }
          for (Condition c : updated) {
            chain = chain.compose(v -> update(conn, c, at, events));
          }
          for (Condition c : cleared) {
            chain = chain.compose(v -> clear(conn, c.dedupKey(), at, events));
          }
          return chain.map(events);
        });
  }

  /**
   * Raises one condition within the caller's transaction, which must be one of {@link
   * LiveEvents#transaction} (it holds the stream's lock): the alert commits with what it is about.
   * Returns the stream entries, to publish after the commit.
   */
  public Future<List<LiveEvent>> raiseWithin(SqlConnection conn, Condition condition) {
    List<LiveEvent> events = new ArrayList<>();
    return raise(conn, condition, now(), events).map(events);
  }

  /** The condition still holds with new details (a later ETA, a longer wait): no new transition. */
  private Future<Void> update(
      SqlConnection conn, Condition c, OffsetDateTime at, List<LiveEvent> events) {
    return conn.preparedQuery(AlertSql.UPDATE_SUMMARY)
        .execute(Tuple.of(c.dedupKey(), c.summary(), at, c.occurrences()))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture();
              }
              Alert alert = Alert.from(rows.iterator().next());
              return told(conn, alert, "updated")
                  .compose(
                      v ->
                          LiveEvents.append(
                              conn, "alert", alert.toJson(zone).put("transition", "updated"), at))
                  .map(
                      e -> {
                        events.add(e);
                        return null;
                      });
            });
  }

  private Future<Void> raise(
      SqlConnection conn, Condition c, OffsetDateTime at, List<LiveEvent> events) {
    Tuple args =
        Tuple.wrap(
            new ArrayList<>(
                java.util.Arrays.asList(
                    c.dedupKey(),
                    c.type().wireName(),
                    c.type().severity().wireName(),
                    c.serviceDate(),
                    c.runId(),
                    c.operatorId(),
                    c.crewId(),
                    c.pupilId(),
                    c.summary(),
                    at,
                    c.occurrences(),
                    c.schoolId())));
    return conn.preparedQuery(AlertSql.RAISE)
        .execute(args)
        .compose(
            rows -> {
              Row row = rows.iterator().next();
              Alert alert = Alert.from(row);
              String kind = row.getBoolean("inserted") ? "raised" : "repeated";
              return changed(conn, alert, kind, null, null, at, events);
            });
  }

  private Future<Void> clear(
      SqlConnection conn, String dedupKey, OffsetDateTime at, List<LiveEvent> events) {
    return conn.preparedQuery(AlertSql.CLEAR)
        .execute(Tuple.of(dedupKey, at, autoResolve))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture();
              }
              Alert alert = Alert.from(rows.iterator().next());
              return changed(conn, alert, "condition_cleared", "system", null, at, events);
            });
  }

  /** Marks a condition cleared by its key (a restarted monitor found it no longer holds). */
  public Future<List<LiveEvent>> clearKeys(List<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    OffsetDateTime at = now();
    return LiveEvents.transaction(
        pool,
        conn -> {
          List<LiveEvent> events = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (String key : keys) {
            chain = chain.compose(v -> clear(conn, key, at, events));
          }
          return chain.map(events);
        });
  }

  /**
   * Escalates each critical alert raised at or before {@code raisedBy} that is still open and was
   * not escalated yet: an {@code escalated} transition (and whatever its listeners add, such as the
   * escalation email) per alert, in one transaction; returns the stream entries.
   */
  public Future<List<LiveEvent>> escalate(OffsetDateTime raisedBy) {
    OffsetDateTime at = now();
    return LiveEvents.transaction(
        pool,
        conn ->
            conn.preparedQuery(AlertSql.DUE_FOR_ESCALATION)
                .execute(Tuple.of(raisedBy.withOffsetSameInstant(ZoneOffset.UTC)))
                .compose(
                    rows -> {
                      List<LiveEvent> events = new ArrayList<>();
                      Future<Void> chain = Future.succeededFuture();
                      for (Row r : rows) {
                        Alert alert = Alert.from(r);
                        chain =
                            chain.compose(
                                v -> changed(conn, alert, "escalated", "system", null, at, events));
                      }
                      return chain.map(events);
                    }));
  }

  /** Alerts by id, read with the caller's connection. */
  public static Future<Map<Long, Alert>> byIds(SqlClient sql, List<Long> ids) {
    return sql.preparedQuery(AlertSql.BY_IDS)
        .execute(Tuple.of(ids.toArray(new Long[0])))
        .map(
            rows -> {
              Map<Long, Alert> found = new HashMap<>();
              rows.forEach(r -> found.put(r.getLong("id"), Alert.from(r)));
              return found;
            });
  }

  /** A person's change of an alert, with its stream entries to publish once committed. */
  public record Outcome(Alert alert, List<LiveEvent> events) {}

  public Future<Outcome> acknowledge(long id, String actor, String note) {
    return transition(
        id,
        AlertSql.ACKNOWLEDGE,
        "acknowledged",
        actor,
        note,
        "only an open alert can be acknowledged");
  }

  /**
   * Resolves the alert; a critical alert whose condition still holds only when {@code confirmed}
   * (the person confirmed with a note), else 409 naming {@code confirm}.
   */
  public Future<Outcome> resolve(long id, String actor, String note, boolean confirmed) {
    return transition(
        id, AlertSql.RESOLVE, "resolved", actor, note, confirmed, "the alert is already resolved");
  }

  /** Assigns the alert to {@code actor}, whoever had it; a resolved alert is refused (409). */
  public Future<Outcome> assign(long id, String actor, String note) {
    return transition(
        id, AlertSql.ASSIGN, "assigned", actor, note, "a resolved alert cannot be assigned");
  }

  /** The alert's transitions that people read, in time order. */
  public Future<List<Transition>> transitions(long id) {
    return pool.preparedQuery(AlertSql.TRANSITIONS)
        .execute(Tuple.of(id))
        .map(
            rows -> {
              List<Transition> found = new ArrayList<>();
              rows.forEach(
                  r ->
                      found.add(
                          Transition.of(
                              r.getString("kind"),
                              r.getOffsetDateTime("at"),
                              r.getString("actor"),
                              r.getString("note"))));
              return found;
            });
  }

  private Future<Outcome> transition(
      long id, String sql, String kind, String actor, String note, String refusal) {
    return transition(id, sql, kind, actor, note, null, refusal);
  }

  private Future<Outcome> transition(
      long id,
      String sql,
      String kind,
      String actor,
      String note,
      Boolean confirmed,
      String refusal) {
    OffsetDateTime at = now();
    List<LiveEvent> events = new ArrayList<>();
    Tuple args = Tuple.of(id, actor, at);
    if (confirmed != null) {
      args.addBoolean(confirmed);
    }
    return LiveEvents.transaction(
        pool,
        conn ->
            conn.preparedQuery(sql)
                .execute(args)
                .compose(
                    rows -> {
                      if (rows.size() == 1) {
                        Alert alert = Alert.from(rows.iterator().next());
                        return changed(conn, alert, kind, actor, note, at, events)
                            .map(v -> new Outcome(alert, events));
                      }
                      return conn.preparedQuery(AlertSql.BY_ID)
                          .execute(Tuple.of(id))
                          .compose(
                              existing ->
                                  Future.failedFuture(
                                      refused(id, existing, refusal, confirmed != null)));
                    }));
  }

  /** Why a change found no alert to change: none, or one it may not change (409). */
  private static ApiException refused(
      long id, RowSet<Row> existing, String refusal, boolean resolving) {
    if (existing.size() == 0) {
      return ApiException.notFound("There is no alert " + id + ".");
    }
    Alert alert = Alert.from(existing.iterator().next());
    if (resolving
        && !"resolved".equals(alert.state())
        && "critical".equals(alert.severity())
        && alert.conditionActive()) {
      return ApiException.conflict(
          "Alert " + id + " is critical and its condition still holds.",
          List.of(FieldProblem.at("confirm", CONFIRM)));
    }
    return ApiException.conflict("Alert " + id + ": " + refusal + ".", List.of());
  }

  /** What a person resolving a critical alert whose condition holds must do. */
  public static final String CONFIRM = "the condition still holds; confirm with a note";

  private Future<Void> changed(
      SqlConnection conn,
      Alert alert,
      String kind,
      String actor,
      String note,
      OffsetDateTime at,
      List<LiveEvent> events) {
    Future<Void> transition =
        conn.preparedQuery(AlertSql.TRANSITION)
            .execute(Tuple.of(alert.id(), at, kind, actor, note))
            .mapEmpty();
    return transition
        .compose(v -> told(conn, alert, kind))
        .compose(
            v ->
                LiveEvents.append(
                        conn,
                        "alert",
                        alert
                            .toJson(zone)
                            .put("transition", Transition.of(kind, at, actor, note).toJson(zone)),
                        at)
                    .map(
                        e -> {
                          events.add(e);
                          return null;
                        }));
  }

  /** Each listener in turn, in the change's transaction. */
  private Future<Void> told(SqlConnection conn, Alert alert, String kind) {
    Future<Void> done = Future.succeededFuture();
    for (AlertListener l : listeners) {
      done = done.compose(v -> l.changed(conn, alert, kind));
    }
    return done;
  }

  public Future<List<Alert>> list(Filter f) {
    return pool.preparedQuery(AlertSql.LIST)
        .execute(
            Tuple.wrap(
                new ArrayList<>(
                    java.util.Arrays.asList(
                        f.state(),
                        f.severity(),
                        f.type(),
                        f.date(),
                        f.runId(),
                        f.before(),
                        f.limit(),
                        f.operatorId(),
                        f.schoolId()))))
        .map(
            rows -> {
              List<Alert> alerts = new ArrayList<>();
              rows.forEach(r -> alerts.add(Alert.from(r)));
              return alerts;
            });
  }

  public Future<Alert> get(long id) {
    return pool.preparedQuery(AlertSql.BY_ID)
        .execute(Tuple.of(id))
        .compose(
            rows ->
                rows.size() == 0
                    ? Future.failedFuture(ApiException.notFound("There is no alert " + id + "."))
                    : Future.succeededFuture(Alert.from(rows.iterator().next())));
  }

  /** An alert whose condition was last seen holding, and the run it is about (null: none). */
  public record ActiveKey(String dedupKey, String runId) {}

  /**
   * The day's alerts whose conditions the monitors decide ({@link AlertType#decidedByMonitors}, and
   * not raised from a person's report) and last saw holding: a rebuilt monitor clears those it no
   * longer finds.
   */
  public Future<List<ActiveKey>> activeKeys(LocalDate date) {
    String[] notTheirs =
        java.util.Arrays.stream(AlertType.values())
            .filter(t -> !t.decidedByMonitors())
            .map(AlertType::wireName)
            .toArray(String[]::new);
    return pool.preparedQuery(AlertSql.ACTIVE_KEYS)
        .execute(
            Tuple.tuple()
                .addValue(date)
                .addArrayOfString(notTheirs)
                .addValue(Condition.REPORTED_SUBJECT))
        .map(
            rows -> {
              List<ActiveKey> keys = new ArrayList<>();
              rows.forEach(r -> keys.add(new ActiveKey(r.getString(0), r.getString(1))));
              return keys;
            });
  }
}
