package travelwatch.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
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
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;

/**
 * Writes the events of many concurrent requests together: one multi-row insert per group, each
 * request answered only once its rows are committed. A request's events are never split across
 * groups, so a batch is stored whole or not at all.
 *
 * <p>A group is flushed at once when nothing else is being written; while writes are in flight
 * requests gather until {@code flushRows} rows or {@code flushDelayMillis} have passed.
 *
 * <p>Each HTTP event loop has a writer of its own, created on that loop with a pool of its own: a
 * request, its group's insert and its answer all run on the one thread, with no hand-over between
 * threads and no lock.
 */
public final class GroupCommitWriter {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final int MAX_RACE_RETRIES = 3;

  /** What a request's events came to. */
  public record Outcome(int accepted, int duplicates) {}

  /** Tuning, from {@code TW_INGEST_…} settings. */
  public record Tuning(int flushRows, int flushDelayMillis, int maxInFlight, int maxQueuedRows) {}

  private record Pending(String owner, List<IncomingEvent> events, Promise<Outcome> promise) {}

  private record Key(String owner, String eventId) {}

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
  public Future<Outcome> submit(String owner, List<IncomingEvent> events) {
    Promise<Outcome> promise = Promise.promise();
    Pending pending = new Pending(owner, events, promise);
    // Requests run on duplicates of the loop's context, so the thread tells if this is the loop.
    if (Thread.currentThread() == loop) {
      enqueue(pending);
    } else {
      context.runOnContext(v -> enqueue(pending));
    }
    return promise.future();
  }

  private void enqueue(Pending pending) {
    if (queuedRows + pending.events().size() > tuning.maxQueuedRows()) {
      pending
          .promise()
          .fail(
              ApiException.unavailable(
                  "The event store is behind; retry shortly with the same eventIds.", 1));
      return;
    }
    queue.add(pending);
    queuedRows += pending.events().size();
    maybeFlush();
  }

  private void maybeFlush() {
    while (!queue.isEmpty() && inFlight < tuning.maxInFlight()) {
      if (inFlight > 0 && queuedRows < tuning.flushRows()) {
        if (timer < 0) {
          timer =
              vertx.setTimer(
                  tuning.flushDelayMillis(),
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

  private void flush() {
    List<Pending> group = new ArrayList<>();
    int rows = 0;
    while (!queue.isEmpty()
        && (group.isEmpty() || rows + queue.peek().events().size() <= tuning.flushRows())) {
      Pending p = queue.poll();
      group.add(p);
      rows += p.events().size();
    }
    queuedRows -= rows;
    inFlight++;
    long started = System.nanoTime();
    int groupRows = rows;
    write(group, 0)
        .onComplete(
            done -> {
              inFlight--;
              metrics.batch(groupRows, System.nanoTime() - started);
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
    // Repeats inside the group: the same body is a duplicate, another body a conflict.
    Map<Pending, Integer> duplicates = new HashMap<>();
    List<Pending> writable = new ArrayList<>();
    Map<Key, IncomingEvent> rows = new HashMap<>();
    Map<Key, Pending> rowOwners = new HashMap<>();
    for (Pending p : group) {
      Map<Key, IncomingEvent> mine = new HashMap<>();
      List<FieldProblem> conflicts = new ArrayList<>();
      int dup = 0;
      for (IncomingEvent e : p.events()) {
        Key key = new Key(p.owner(), e.eventId());
        IncomingEvent first = mine.containsKey(key) ? mine.get(key) : rows.get(key);
        if (first == null) {
          mine.put(key, e);
        } else if (Arrays.equals(first.hash(), e.hash())) {
          dup++;
        } else {
          conflicts.add(
              new FieldProblem(e.index(), "eventId", "is used again with a different body"));
        }
      }
      if (!conflicts.isEmpty()) {
        p.promise().fail(conflict(conflicts));
        continue;
      }
      duplicates.put(p, dup);
      writable.add(p);
      rows.putAll(mine);
      mine.keySet().forEach(k -> rowOwners.put(k, p));
    }
    if (writable.isEmpty()) {
      return Future.succeededFuture();
    }
    OffsetDateTime receivedAt = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    List<Map.Entry<Key, IncomingEvent>> entries = new ArrayList<>(rows.entrySet());
    // Usually every row is new: one plain insert, its own transaction, one round trip. If any
    // eventId is already stored, nothing was written and the group takes the careful path.
    Future<Written> written =
        insert(
                pool,
                IngestSql.INSERT_NEW_EVENTS,
                entries,
                receivedAt,
                writable,
                duplicates,
                rowOwners,
                rows)
            .recover(
                failure ->
                    isUniqueViolation(failure)
                        ? pool.withTransaction(
                            conn ->
                                insert(
                                    conn,
                                    IngestSql.INSERT_EVENTS,
                                    entries,
                                    receivedAt,
                                    writable,
                                    duplicates,
                                    rowOwners,
                                    rows))
                        : Future.failedFuture(failure));
    return written
        .compose(
            done -> {
              for (StoredEvent s : done.stored()) {
                metrics.stored(s.event().type());
              }
              // Only now, after the commit, is any request answered.
              done.outcomes().forEach((p, outcome) -> p.promise().tryComplete(outcome));
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
                c.byRequest.forEach((p, problems) -> p.promise().fail(conflict(problems)));
                List<Pending> rest = new ArrayList<>(writable);
                rest.removeAll(c.byRequest.keySet());
                return rest.isEmpty() ? Future.succeededFuture() : write(rest, attempt + 1);
              }
              ApiException error = storageFailure(failure);
              writable.forEach(p -> p.promise().tryFail(error));
              return Future.succeededFuture();
            });
  }

  private static boolean isUniqueViolation(Throwable failure) {
    return failure instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  private Future<Written> insert(
      SqlClient conn,
      String statement,
      List<Map.Entry<Key, IncomingEvent>> entries,
      OffsetDateTime receivedAt,
      List<Pending> writable,
      Map<Pending, Integer> duplicates,
      Map<Key, Pending> rowOwners,
      Map<Key, IncomingEvent> rows) {
    int n = entries.size();
    String[] owners = new String[n];
    String[] ids = new String[n];
    String[] types = new String[n];
    OffsetDateTime[] occurred = new OffsetDateTime[n];
    OffsetDateTime[] received = new OffsetDateTime[n];
    LocalDate[] dates = new LocalDate[n];
    String[] runs = new String[n];
    String[] bodies = new String[n];
    Buffer[] hashes = new Buffer[n];
    for (int i = 0; i < n; i++) {
      Key k = entries.get(i).getKey();
      IncomingEvent e = entries.get(i).getValue();
      owners[i] = k.owner();
      ids[i] = k.eventId();
      types[i] = e.type().wireName();
      occurred[i] = e.occurredAt();
      received[i] = receivedAt;
      dates[i] = e.serviceDate();
      runs[i] = e.runId();
      bodies[i] = e.body();
      hashes[i] = Buffer.buffer(e.hash());
    }
    return conn.preparedQuery(statement)
        .execute(
            Tuple.from(
                List.<Object>of(
                    owners, ids, types, occurred, received, dates, runs, bodies, hashes)))
        .compose(
            result -> {
              Map<Key, Long> seqs = new HashMap<>();
              for (Row r : result) {
                seqs.put(new Key(r.getString(1), r.getString(2)), r.getLong(0));
              }
              if (seqs.size() == n) {
                return Future.succeededFuture(seqs);
              }
              return resolveExisting(conn, entries, seqs, writable);
            })
        .map(
            seqs -> {
              List<StoredEvent> stored = new ArrayList<>(seqs.size());
              Map<Pending, Outcome> outcomes = new HashMap<>();
              for (Pending p : writable) {
                int accepted = 0;
                int dup = duplicates.get(p);
                for (IncomingEvent e : p.events()) {
                  Key key = new Key(p.owner(), e.eventId());
                  if (rowOwners.get(key) != p || rows.get(key) != e) {
                    continue; // a repeat within the group, already counted as a duplicate
                  }
                  Long seq = seqs.get(key);
                  if (seq != null && seq > 0) {
                    accepted++;
                    stored.add(new StoredEvent(seq, p.owner(), e, receivedAt));
                  } else {
                    dup++;
                  }
                }
                outcomes.put(p, new Outcome(accepted, dup));
              }
              return new Written(stored, outcomes);
            });
  }

  /**
   * Rows the insert skipped already existed: each is a duplicate if the stored body is the same,
   * and a conflict (the whole request refused, the transaction rolled back) if not.
   */
  private Future<Map<Key, Long>> resolveExisting(
      SqlClient conn,
      List<Map.Entry<Key, IncomingEvent>> entries,
      Map<Key, Long> seqs,
      List<Pending> writable) {
    List<Map.Entry<Key, IncomingEvent>> skipped =
        entries.stream().filter(e -> !seqs.containsKey(e.getKey())).toList();
    String[] owners = skipped.stream().map(e -> e.getKey().owner()).toArray(String[]::new);
    String[] ids = skipped.stream().map(e -> e.getKey().eventId()).toArray(String[]::new);
    return conn.preparedQuery(IngestSql.EXISTING_HASHES)
        .execute(Tuple.from(List.<Object>of(owners, ids)))
        .compose(
            existing -> {
              Map<Key, ByteBuffer> hashes = new HashMap<>();
              for (Row r : existing) {
                hashes.put(
                    new Key(r.getString(0), r.getString(1)),
                    ByteBuffer.wrap(r.getBuffer(2).getBytes()));
              }
              Map<Pending, List<FieldProblem>> conflicts = new HashMap<>();
              for (Pending p : writable) {
                for (IncomingEvent e : p.events()) {
                  ByteBuffer stored = hashes.get(new Key(p.owner(), e.eventId()));
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
              Map<Key, Long> all = new HashMap<>(seqs);
              hashes.keySet().forEach(k -> all.putIfAbsent(k, -1L));
              return Future.succeededFuture(all);
            });
  }

  private static ApiException conflict(List<FieldProblem> problems) {
    return ApiException.conflict(
        "An eventId was reused with a different body; nothing from this request was stored.",
        problems);
  }

  /** Storage trouble is a 503 the client retries with the same eventIds; bugs are 500s. */
  private static ApiException storageFailure(Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof PgException pg
        && pg.getSqlState() != null
        && !pg.getSqlState().startsWith("08")
        && !pg.getSqlState().startsWith("53")
        && !pg.getSqlState().startsWith("57")) {
      log.error("Storing events failed", failure);
      return new ApiException(
          500, "internal", "Internal error", "The events could not be stored.", List.of(), null);
    }
    log.warn("Event store unavailable: {}", failure.toString());
    return ApiException.unavailable(
        "The event store is unavailable; nothing was stored. Retry with the same eventIds.", 2);
  }
}
