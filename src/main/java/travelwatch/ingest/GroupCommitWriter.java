package travelwatch.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import travelwatch.platform.db.Database;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;

/**
 * Writes the events of many concurrent requests together: one multi-row insert per group, each
 * request answered only once its rows are committed. A request's events are never split across
 * groups, so a batch is stored whole or not at all.
 *
 * <p>A group is flushed at once when nothing else is being written and none began within {@code
 * flushDelayMillis}; otherwise requests gather until {@code flushRows} rows or that delay have
 * passed.
 *
 * <p>Each HTTP event loop has a writer of its own, created on that loop with a pool of its own: a
 * request, its group's insert and its answer all run on the one thread, with no hand-over between
 * threads and no lock.
 *
 * <p>If PostgreSQL refuses a group's insert other than for a duplicate or an outage, the group is
 * written again in halves, down to single requests, so only the requests at fault are refused.
 */
public final class GroupCommitWriter {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final int MAX_RACE_RETRIES = 3;
  private static final long REFUSAL_LOG_MILLIS = 1000;

  /** What a request's events came to. */
  public record Outcome(int accepted, int duplicates) {}

  /** Tuning, from {@code TW_INGEST_…} settings. */
  public record Tuning(int flushRows, int flushDelayMillis, int maxInFlight, int maxQueuedRows) {}

  /** A request waiting for its group; compared by identity, never by its events. */
  private static final class Pending {
    final String owner;
    final Source source;
    final List<IncomingEvent> events;
    final Promise<Outcome> promise;

    Pending(String owner, Source source, List<IncomingEvent> events, Promise<Outcome> promise) {
      this.owner = owner;
      this.source = source;
      this.events = events;
      this.promise = promise;
    }
  }

  private record Key(String owner, String eventId) {}

  /**
   * A group's distinct rows, in insert order, and for each writable request where each of its
   * events went: the index of its row, or -1 for a repeat within the group.
   */
  private record Rows(
      List<Key> keys,
      List<IncomingEvent> events,
      List<Source> sources,
      List<Pending> writable,
      Map<Pending, int[]> rowOf,
      Map<Pending, Integer> repeats,
      List<Pending> deferred) {}

  /** What a committed group came to: the stored events and each request's outcome. */
  private record Written(List<StoredEvent> stored, Map<Pending, Outcome> outcomes) {}

  private final Vertx vertx;
  private final Context context;
  private volatile Thread loop;
  private final Pool pool;
  private final Clock clock;
  private final Tuning tuning;
  private final IngestMetrics metrics;
  private final Consumer<List<StoredEvent>> committed;

  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int queuedRows;
  private int inFlight;
  private long timer = -1;
  private long lastFlushNanos = System.nanoTime() - 1_000_000_000L;
  private long refusalWindow = -1;
  private int refusalsSuppressed;

  public GroupCommitWriter(
      Vertx vertx,
      Pool pool,
      Clock clock,
      Tuning tuning,
      IngestMetrics metrics,
      Consumer<List<StoredEvent>> committed) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    context.runOnContext(v -> loop = Thread.currentThread());
    this.pool = pool;
    this.clock = clock;
    this.tuning = tuning;
    this.metrics = metrics;
    this.committed = committed;
  }

  /** Stores the request's events; the future completes after the commit. */
  public Future<Outcome> submit(String owner, Source source, List<IncomingEvent> events) {
    Promise<Outcome> promise = Promise.promise();
    Pending pending = new Pending(owner, source, events, promise);
    // Requests run on duplicates of the loop's context, so the thread tells if this is the loop.
    if (Thread.currentThread() == loop) {
      enqueue(pending);
    } else {
      context.runOnContext(v -> enqueue(pending));
    }
    return promise.future();
  }

  private void enqueue(Pending pending) {
    if (queuedRows + pending.events.size() > tuning.maxQueuedRows()) {
      pending.promise.fail(
          ApiException.unavailable(
              "The event store is behind; retry shortly with the same eventIds.", 1));
      return;
    }
    queue.add(pending);
    queuedRows += pending.events.size();
    maybeFlush();
  }

  private void maybeFlush() {
    while (!queue.isEmpty() && inFlight < tuning.maxInFlight()) {
      long gathering = gatherMillis();
      if (gathering > 0 && queuedRows < tuning.flushRows()) {
        if (timer < 0) {
          timer =
              vertx.setTimer(
                  gathering,
                  t -> {
                    timer = -1;
                    if (!queue.isEmpty() && inFlight < tuning.maxInFlight()) {
                      flush();
                    }
                    maybeFlush();
                  });
        }
        return;
      }
      flush();
    }
  }

  /**
   * How long requests should still gather before the next group: while another write is in flight,
   * {@code flushDelayMillis}; otherwise what is left of it since the last group began, so that at
   * most one group begins per delay unless one fills. Many single-event requests a second
   * (trackers, small operators' systems) then share commits instead of paying one each, and a quiet
   * moment's request is written at once.
   */
  private long gatherMillis() {
    if (inFlight > 0) {
      return tuning.flushDelayMillis();
    }
    long since = (System.nanoTime() - lastFlushNanos) / 1_000_000;
    return since >= tuning.flushDelayMillis() ? 0 : Math.max(1, tuning.flushDelayMillis() - since);
  }

  private void flush() {
    lastFlushNanos = System.nanoTime();
    List<Pending> group = new ArrayList<>();
    int rows = 0;
    while (!queue.isEmpty()
        && (group.isEmpty() || rows + queue.peek().events.size() <= tuning.flushRows())) {
      Pending p = queue.poll();
      group.add(p);
      rows += p.events.size();
    }
    queuedRows -= rows;
    inFlight++;
    write(group, 0)
        .onComplete(
            done -> {
              inFlight--;
              maybeFlush();
            });
  }

  /** A request whose eventId is already stored with another body: it fails, the rest retry. */
  private static final class Conflicts extends RuntimeException {
    final Map<Pending, List<FieldProblem>> byRequest;

    Conflicts(Map<Pending, List<FieldProblem>> byRequest) {
      super(null, null, false, false);
      this.byRequest = byRequest;
    }
  }

  private Future<Void> write(List<Pending> group, int attempt) {
    Rows rows = distinctRows(group);
    Future<Void> written =
        rows.writable().isEmpty() ? Future.succeededFuture() : write(rows, attempt);
    // A request sending an eventId that an earlier request of the group sent with another body
    // is decided after that one, against what it stored: as if the two had come one by one.
    return rows.deferred().isEmpty() ? written : written.compose(v -> write(rows.deferred(), 0));
  }

  private Future<Void> write(Rows rows, int attempt) {
    OffsetDateTime receivedAt = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    long started = System.nanoTime();
    // Usually every row is new: one plain insert, its own transaction, one round trip. If any
    // eventId is already stored, nothing was written and the group takes the careful path.
    Future<Written> written =
        insert(pool, IngestSql.INSERT_NEW_EVENTS, rows, receivedAt)
            .recover(
                failure ->
                    isUniqueViolation(failure)
                        ? pool.withTransaction(
                            conn -> insert(conn, IngestSql.INSERT_EVENTS, rows, receivedAt))
                        : Future.failedFuture(failure))
            .andThen(done -> metrics.batch(rows.keys().size(), System.nanoTime() - started));
    return written
        .compose(
            done -> {
              for (StoredEvent s : done.stored()) {
                metrics.stored(s.source(), s.event().type());
              }
              // Only now, after the commit, is any request answered.
              done.outcomes().forEach((p, outcome) -> p.promise.tryComplete(outcome));
              try {
                committed.accept(done.stored());
              } catch (RuntimeException e) {
                log.warn("Handing committed events to the monitors failed: {}", e.toString());
              }
              return Future.<Void>succeededFuture();
            })
        .recover(
            failure -> {
              if (failure instanceof Conflicts c && attempt < MAX_RACE_RETRIES) {
                c.byRequest.forEach((p, problems) -> p.promise.fail(conflict(problems)));
                List<Pending> rest = new ArrayList<>(rows.writable());
                rest.removeAll(c.byRequest.keySet());
                return rest.isEmpty() ? Future.succeededFuture() : write(rest, attempt + 1);
              }
              List<Pending> writable = rows.writable();
              if (isRefusal(failure) && writable.size() > 1) {
                // One after the other, so a later half sees what an earlier one stored.
                List<Pending> first = writable.subList(0, writable.size() / 2);
                List<Pending> second = writable.subList(writable.size() / 2, writable.size());
                return write(first, attempt).compose(v -> write(second, attempt));
              }
              ApiException error =
                  isRefusal(failure)
                      ? refused(writable.get(0), (PgException) failure)
                      : storageFailure(failure);
              writable.forEach(p -> p.promise.tryFail(error));
              return Future.succeededFuture();
            });
  }

  /**
   * Repeats inside the group: the same body again is a duplicate. Another body for an eventId is a
   * conflict that fails its request if the request itself repeats it; if an earlier request sent
   * it, the later request waits for the next write. Neither writes any of its rows now.
   */
  private static Rows distinctRows(List<Pending> group) {
    Map<Key, Integer> index = new HashMap<>();
    List<Key> keys = new ArrayList<>();
    List<IncomingEvent> events = new ArrayList<>();
    List<Source> sources = new ArrayList<>();
    List<Pending> writable = new ArrayList<>(group.size());
    Map<Pending, int[]> rowOf = new HashMap<>();
    Map<Pending, Integer> repeats = new HashMap<>();
    List<Pending> deferred = new ArrayList<>();
    for (Pending p : group) {
      int first = keys.size();
      int[] mine = new int[p.events.size()];
      List<FieldProblem> conflicts = new ArrayList<>();
      boolean waits = false;
      int repeated = 0;
      for (int j = 0; j < mine.length; j++) {
        IncomingEvent e = p.events.get(j);
        Key key = new Key(p.owner, e.eventId());
        Integer seen = index.putIfAbsent(key, keys.size());
        if (seen == null) {
          mine[j] = keys.size();
          keys.add(key);
          events.add(e);
          sources.add(p.source);
        } else if (Arrays.equals(events.get(seen).hash(), e.hash())) {
          mine[j] = -1;
          repeated++;
        } else if (seen >= first) {
          conflicts.add(
              new FieldProblem(e.index(), "eventId", "is used again with a different body"));
        } else {
          waits = true;
        }
      }
      if (!conflicts.isEmpty() || waits) {
        // Take back this request's rows: they are the last ones added.
        for (int i = keys.size() - 1; i >= first; i--) {
          index.remove(keys.remove(i));
          events.remove(i);
          sources.remove(i);
        }
        if (conflicts.isEmpty()) {
          deferred.add(p);
        } else {
          p.promise.fail(conflict(conflicts));
        }
        continue;
      }
      writable.add(p);
      rowOf.put(p, mine);
      repeats.put(p, repeated);
    }
    return new Rows(keys, events, sources, writable, rowOf, repeats, deferred);
  }

  private static boolean isUniqueViolation(Throwable failure) {
    return failure instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  private Future<Written> insert(
      SqlClient conn, String statement, Rows rows, OffsetDateTime receivedAt) {
    int n = rows.keys().size();
    String[] owners = new String[n];
    String[] sources = new String[n];
    String[] ids = new String[n];
    String[] types = new String[n];
    OffsetDateTime[] occurred = new OffsetDateTime[n];
    LocalDate[] dates = new LocalDate[n];
    String[] runs = new String[n];
    String[] bodies = new String[n];
    Buffer[] hashes = new Buffer[n];
    for (int i = 0; i < n; i++) {
      Key k = rows.keys().get(i);
      IncomingEvent e = rows.events().get(i);
      owners[i] = k.owner();
      sources[i] = rows.sources().get(i).wireName();
      ids[i] = k.eventId();
      types[i] = e.type().wireName();
      occurred[i] = e.occurredAt();
      dates[i] = e.serviceDate();
      runs[i] = e.runId();
      bodies[i] = e.body();
      hashes[i] = Buffer.buffer(e.hash());
    }
    return conn.preparedQuery(statement)
        .execute(
            Tuple.from(
                List.<Object>of(
                    owners,
                    ids,
                    types,
                    occurred,
                    receivedAt,
                    dates,
                    runs,
                    bodies,
                    hashes,
                    sources)))
        .compose(
            result -> {
              long[] seqs = seqsOf(result, owners, ids);
              for (long seq : seqs) {
                if (seq == 0) {
                  return resolveExisting(conn, rows, seqs);
                }
              }
              return Future.succeededFuture(seqs);
            })
        .map(seqs -> outcomes(rows, seqs, receivedAt));
  }

  /**
   * Each row's stored number, 0 where the insert skipped it. The rows come back in insert order
   * (checked row by row); only when they do not are they matched by key.
   */
  private static long[] seqsOf(RowSet<Row> result, String[] owners, String[] ids) {
    long[] seqs = new long[ids.length];
    int i = 0;
    boolean inOrder = result.size() == ids.length;
    for (Row r : result) {
      if (!inOrder || !ids[i].equals(r.getString(2)) || !owners[i].equals(r.getString(1))) {
        inOrder = false;
        break;
      }
      seqs[i++] = r.getLong(0);
    }
    if (inOrder) {
      return seqs;
    }
    Map<Key, Integer> index = new HashMap<>();
    for (int j = 0; j < ids.length; j++) {
      index.put(new Key(owners[j], ids[j]), j);
    }
    Arrays.fill(seqs, 0);
    for (Row r : result) {
      seqs[index.get(new Key(r.getString(1), r.getString(2)))] = r.getLong(0);
    }
    return seqs;
  }

  private static Written outcomes(Rows rows, long[] seqs, OffsetDateTime receivedAt) {
    List<StoredEvent> stored = new ArrayList<>(seqs.length);
    Map<Pending, Outcome> outcomes = new HashMap<>();
    for (Pending p : rows.writable()) {
      int[] mine = rows.rowOf().get(p);
      int accepted = 0;
      int duplicates = rows.repeats().get(p);
      for (int j = 0; j < mine.length; j++) {
        if (mine[j] < 0) {
          continue; // a repeat within the group, already counted as a duplicate
        }
        long seq = seqs[mine[j]];
        if (seq > 0) {
          accepted++;
          stored.add(new StoredEvent(seq, p.owner, p.source, p.events.get(j), receivedAt));
        } else {
          duplicates++;
        }
      }
      outcomes.put(p, new Outcome(accepted, duplicates));
    }
    return new Written(stored, outcomes);
  }

  /**
   * Rows the insert skipped already existed: each is a duplicate (its number set to -1) if the
   * stored body is the same, and a conflict (the whole request refused, the transaction rolled
   * back) if not.
   */
  private Future<long[]> resolveExisting(SqlClient conn, Rows rows, long[] seqs) {
    List<String> owners = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < seqs.length; i++) {
      if (seqs[i] == 0) {
        owners.add(rows.keys().get(i).owner());
        ids.add(rows.keys().get(i).eventId());
      }
    }
    return conn.preparedQuery(IngestSql.EXISTING_HASHES)
        .execute(
            Tuple.from(List.<Object>of(owners.toArray(String[]::new), ids.toArray(String[]::new))))
        .compose(
            existing -> {
              Map<Key, ByteBuffer> hashes = new HashMap<>();
              for (Row r : existing) {
                hashes.put(
                    new Key(r.getString(0), r.getString(1)),
                    ByteBuffer.wrap(r.getBuffer(2).getBytes()));
              }
              Map<Pending, List<FieldProblem>> conflicts = new HashMap<>();
              for (Pending p : rows.writable()) {
                for (IncomingEvent e : p.events) {
                  ByteBuffer stored = hashes.get(new Key(p.owner, e.eventId()));
                  if (stored != null && !stored.equals(ByteBuffer.wrap(e.hash()))) {
                    conflicts
                        .computeIfAbsent(p, k -> new ArrayList<>())
                        .add(
                            new FieldProblem(
                                e.index(),
                                "eventId",
                                "already used for an event with a different body"));
                  }
                }
              }
              if (!conflicts.isEmpty()) {
                return Future.failedFuture(new Conflicts(conflicts));
              }
              for (int i = 0; i < seqs.length; i++) {
                if (seqs[i] == 0 && hashes.containsKey(rows.keys().get(i))) {
                  seqs[i] = -1;
                }
              }
              return Future.succeededFuture(seqs);
            });
  }

  private static ApiException conflict(List<FieldProblem> problems) {
    return ApiException.conflict(
        "An eventId was reused with a different body; nothing from this request was stored.",
        problems);
  }

  /** PostgreSQL answered and refused the statement: some request's rows may be at fault. */
  private static boolean isRefusal(Throwable failure) {
    // Class 40 (a deadlock, a serialization failure) is the moment's, not the data's: a 503.
    return failure instanceof PgException pg
        && pg.getSqlState() != null
        && !pg.getSqlState().startsWith("40")
        && !Database.isUnavailable(pg);
  }

  /**
   * One request's rows refused on their own: a data exception (class 22) or an integrity violation
   * (class 23) is the client's to fix, a 400; anything else is a 500. Neither names the value.
   */
  private ApiException refused(Pending request, PgException failure) {
    String state = failure.getSqlState();
    boolean data =
        state.startsWith("22") || (state.startsWith("23") && !isUniqueViolation(failure));
    logRefusal(request, failure, data);
    if (data) {
      return ApiException.badRequest(
          "The event store refused this request's data (SQLSTATE "
              + state
              + "); nothing from this request was stored.",
          List.of());
    }
    return new ApiException(
        500, "internal", "Internal error", "The events could not be stored.", List.of(), null);
  }

  /**
   * One line per refusal without a stack trace or any event's id or body, and at most one a second
   * with a count of the rest: a client sending bad rows in a loop must not flood the log.
   */
  private void logRefusal(Pending request, PgException failure, boolean data) {
    if (refusalWindow >= 0) {
      refusalsSuppressed++;
      return;
    }
    String where =
        failure.getConstraint() != null
            ? " constraint " + failure.getConstraint()
            : failure.getColumn() != null ? " column " + failure.getColumn() : "";
    log.atLevel(data ? Level.WARN : Level.ERROR)
        .log(
            "The event store refused a request of {} events from {}: SQLSTATE {}{}, answered {}",
            request.events.size(),
            request.owner,
            failure.getSqlState(),
            where,
            data ? 400 : 500);
    refusalWindow = vertx.setTimer(REFUSAL_LOG_MILLIS, t -> closeRefusalWindow());
  }

  private void closeRefusalWindow() {
    if (refusalsSuppressed == 0) {
      refusalWindow = -1;
      return;
    }
    log.warn("{} more refused requests suppressed", refusalsSuppressed);
    refusalsSuppressed = 0;
    refusalWindow = vertx.setTimer(REFUSAL_LOG_MILLIS, t -> closeRefusalWindow());
  }

  /** Storage trouble is a 503 the client retries with the same eventIds. */
  private static ApiException storageFailure(Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    log.warn("Event store unavailable: {}", failure.toString());
    return ApiException.unavailable(
        "The event store is unavailable; nothing was stored. Retry with the same eventIds.", 2);
  }
}
