package travelwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static travelwatch.support.JarProcess.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import travelwatch.support.JarProcess;
import travelwatch.support.TestServer;

@Timeout(300)
@DisplayName(
    "Crash durability: every event that got a 202 survives SIGKILL of the server and its PostgreSQL")
class CrashDurabilityIT {
  private static final int CONNECTIONS = 32;
  private static final int BATCH = 10;

  @Test
  @DisplayName(
      "Kill -9 under concurrent load, restart: every acknowledged event is stored, none twice")
  void acknowledgedEventsSurviveSigkill(@TempDir Path dir) throws Exception {
    int port = TestServer.freePort();
    Map<String, String> env =
        Map.of(
            "TW_HTTP_PORT",
            String.valueOf(port),
            "TW_DATA_DIR",
            dir.resolve("data").toString(),
            "TW_INGEST_RATE_PER_KEY",
            "0");
    JarProcess serve = JarProcess.start(env, dir, "serve");
    Vertx vertx = Vertx.vertx();
    WebClient client =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultPort(port).setDefaultHost("localhost"),
            new io.vertx.core.http.PoolOptions().setHttp1MaxSize(CONNECTIONS));
    try {
      await("serve to be ready", Duration.ofSeconds(90), () -> ready(client));
      JarProcess keys = JarProcess.run(env, dir, null, "keys", "create", "--scope", "telephony");
      String key = keys.stdout().trim();

      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicBoolean running = new AtomicBoolean(true);
      for (int i = 0; i < CONNECTIONS; i++) {
        vertx.runOnContext(v -> loop(client, key, acknowledged, running));
      }
      await("load to be acknowledged", Duration.ofSeconds(60), () -> acknowledged.size() >= 3000);

      long postmaster =
          Long.parseLong(Files.readAllLines(dir.resolve("data/pg/postmaster.pid")).get(0).trim());
      serve.kill();
      killTree(postmaster);
      running.set(false);
      int acked = acknowledged.size();
      assertThat(acked).isGreaterThanOrEqualTo(3000);

      serve = JarProcess.start(env, dir, "serve");
      await("serve to be ready after the crash", Duration.ofSeconds(90), () -> ready(client));
      int pgPort =
          Integer.parseInt(Files.readAllLines(dir.resolve("data/pg/postmaster.pid")).get(3).trim());
      try (Connection c =
          DriverManager.getConnection(
              "jdbc:postgresql://localhost:" + pgPort + "/travelwatch", "postgres", "")) {
        Array ids = c.createArrayOf("text", acknowledged.toArray());
        var s =
            c.prepareStatement(
                "select count(*), count(distinct event_id) from event where event_id = any(?)");
        s.setArray(1, ids);
        ResultSet rs = s.executeQuery();
        rs.next();
        assertThat(rs.getLong(1)).as("acknowledged events stored").isEqualTo(acknowledged.size());
        assertThat(rs.getLong(2)).as("none stored twice").isEqualTo(rs.getLong(1));
        ResultSet dup =
            c.createStatement()
                .executeQuery(
                    "select count(*) from (select owner, event_id from event group by 1, 2 having count(*) > 1) d");
        dup.next();
        assertThat(dup.getLong(1)).isZero();
      }
      System.out.printf(
          "crash durability: %d events acknowledged before SIGKILL, all stored%n", acked);
    } finally {
      serve.close();
      client.close();
      vertx.close().await();
    }
  }

  private static boolean ready(WebClient client) {
    try {
      return client.get("/health/ready").send().await().statusCode() == 200;
    } catch (Exception e) { // not listening yet
      return false;
    }
  }

  private static void loop(
      WebClient client, String key, Set<String> acknowledged, AtomicBoolean running) {
    if (!running.get()) {
      return;
    }
    JsonArray batch = new JsonArray();
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      String id = UUID.randomUUID().toString();
      ids.add(id);
      batch.add(
          new JsonObject()
              .put("eventId", id)
              .put("type", "call.offered")
              .put("occurredAt", "2026-11-23T08:05:00Z")
              .put("callId", id));
    }
    Future<?> sent =
        client
            .post("/api/v1/events")
            .putHeader("Authorization", "Bearer " + key)
            .putHeader("Content-Type", "application/json")
            .sendBuffer(batch.toBuffer())
            .onSuccess(
                r -> {
                  if (r.statusCode() == 202) {
                    acknowledged.addAll(ids);
                  }
                });
    sent.onComplete(done -> loop(client, key, acknowledged, running));
  }

  /** SIGKILL a process and all its descendants (PostgreSQL's backends with its postmaster). */
  private static void killTree(long pid) {
    ProcessHandle.of(pid)
        .ifPresent(
            p -> {
              p.descendants().forEach(ProcessHandle::destroyForcibly);
              p.destroyForcibly();
            });
    await(
        "PostgreSQL to die",
        Duration.ofSeconds(30),
        () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }
}
