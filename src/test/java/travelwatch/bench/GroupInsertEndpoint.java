package travelwatch.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import travelwatch.platform.db.Database;
import travelwatch.platform.db.PgEndpoint;

/**
 * The ingest benchmark's floor for a durable endpoint: a Vert.x server that parses each request,
 * writes the events of concurrent requests together with one {@code unnest} insert per group, and
 * answers 202 after the commit; and nothing else. No key, schema, canonical form, hash,
 * authorisation, metrics or hand-off to the monitors, and its table starts empty, so its indexes
 * stay small. What it reaches is more than any server doing all of that could reach on the same
 * machine. {@code main(port, instances, pgPort, database)}.
 */
public final class GroupInsertEndpoint extends VerticleBase {
  static final String TABLE = "bench_event_floor";
  private static final int MAX_IN_FLIGHT = 4;
  private static final int MAX_ROWS = 500;
  private static final String INSERT =
      "insert into "
          + TABLE
          + " (owner, event_id, type, occurred_at, received_at, service_date, run_id, body,"
          + " body_hash) select 'operator:OP001', i, t, oc::timestamptz, now(), date '2026-11-23',"
          + " r, b::json, '\\x'::bytea from unnest($1::text[], $2::text[], $3::text[],"
          + " $4::text[], $5::text[]) as u(i, t, oc, r, b) returning seq";

  private record Waiting(List<JsonObject> events, List<String> bodies, HttpServerRequest request) {}

  private final PgEndpoint db;
  private final int port;
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private Pool pool;
  private int inFlight;

  private GroupInsertEndpoint(PgEndpoint db, int port) {
    this.db = db;
    this.port = port;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int instances = Integer.parseInt(args[1]);
    PgEndpoint db =
        new PgEndpoint("localhost", Integer.parseInt(args[2]), args[3], "postgres", null);
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    for (int i = 0; i < instances; i++) {
      vertx.deployVerticle(new GroupInsertEndpoint(db, port)).await();
    }
    System.out.println("listening on " + port);
  }

  @Override
  public Future<?> start() {
    // One pool per event loop, created on it, as the server's writers have.
    pool = Database.pool(vertx, db, MAX_IN_FLIGHT, "floor");
    return vertx
        .createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
        .requestHandler(req -> req.body().onSuccess(body -> accept(req, body)))
        .listen(port);
  }

  private void accept(HttpServerRequest req, Buffer body) {
    Object parsed = Json.decodeValue(body);
    List<JsonObject> events = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    if (parsed instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        JsonObject event = array.getJsonObject(i);
        events.add(event);
        bodies.add(event.encode());
      }
    } else {
      events.add((JsonObject) parsed);
      bodies.add(body.toString());
    }
    queue.add(new Waiting(events, bodies, req));
    flush();
  }

  private void flush() {
    if (inFlight >= MAX_IN_FLIGHT || queue.isEmpty()) {
      return;
    }
    List<Waiting> group = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<String> types = new ArrayList<>();
    List<String> times = new ArrayList<>();
    List<String> runs = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    while (!queue.isEmpty()
        && (group.isEmpty() || ids.size() + queue.peek().events.size() <= MAX_ROWS)) {
      Waiting w = queue.poll();
      group.add(w);
      for (int i = 0; i < w.events.size(); i++) {
        JsonObject e = w.events.get(i);
        ids.add(e.getString("eventId"));
        types.add(e.getString("type"));
        times.add(e.getString("occurredAt"));
        runs.add(e.getString("runId"));
        bodies.add(w.bodies.get(i));
      }
    }
    inFlight++;
    pool.preparedQuery(INSERT)
        .execute(
            Tuple.of(
                ids.toArray(String[]::new),
                types.toArray(String[]::new),
                times.toArray(String[]::new),
                runs.toArray(String[]::new),
                bodies.toArray(String[]::new)))
        .onComplete(
            ar -> {
              inFlight--;
              for (Waiting w : group) {
                if (ar.succeeded()) {
                  w.request
                      .response()
                      .setStatusCode(202)
                      .putHeader("Content-Type", "application/json")
                      .end("{\"accepted\":" + w.events.size() + ",\"duplicates\":0}");
                } else {
                  w.request.response().setStatusCode(503).end();
                }
              }
              flush();
            });
    flush();
  }

  /** Starts it as a separate JVM on this test classpath; close the returned process to stop it. */
  static Process start(int port, int instances, PgEndpoint db, Path workDir) {
    return BenchProcess.start(
        GroupInsertEndpoint.class,
        port,
        workDir.resolve("group-insert.log"),
        String.valueOf(port),
        String.valueOf(instances),
        String.valueOf(db.port()),
        db.database());
  }
}
