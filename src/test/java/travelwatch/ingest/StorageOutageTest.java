package travelwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import travelwatch.access.AccessStore;
import travelwatch.access.Scope;
import travelwatch.config.Settings;
import travelwatch.config.TravelWatchConfig;
import travelwatch.plan.PlanImport;
import travelwatch.plan.PlanStore;
import travelwatch.server.TravelWatchServer;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(180)
@DisplayName("PostgreSQL outage: 503 with Retry-After and nothing acknowledged; recovery by itself")
class StorageOutageTest {

  private static EmbeddedPostgres startPg(Path dir, int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  @Test
  @DisplayName(
      "Events posted while PostgreSQL is down get 503, also when their key or pupil must first be looked up; the client's retry with the same eventIds succeeds after it returns")
  void outageThenRecovery(@TempDir Path dir) throws Exception {
    int pgPort = TestServer.freePort();
    EmbeddedPostgres pg = startPg(dir.resolve("pg"), pgPort);
    Map<String, String> env = new HashMap<>();
    int port = TestServer.freePort();
    env.put("TW_HTTP_PORT", String.valueOf(port));
    env.put("TW_PG_URL", "postgresql://postgres@localhost:" + pgPort + "/postgres");
    TravelWatchConfig config = TravelWatchConfig.from(new Settings(null, env), dir);
    Vertx vertx = Vertx.vertx();
    WebClient client =
        WebClient.create(
            vertx, new WebClientOptions().setDefaultPort(port).setDefaultHost("localhost"));
    try (TravelWatchServer server = TravelWatchServer.start(config, Clock.systemUTC())) {
      AccessStore access = new AccessStore(server.pool());
      String key = access.createScopeKey(Scope.TELEPHONY).await();
      JsonArray before = new JsonArray().add(Events.example("call.offered"));
      assertThat(post(client, key, before).statusCode()).isEqualTo(202);
      new PlanImport(new PlanStore(server.pool())).upsert(TwoOperators.json()).await();
      String operator = access.createOperatorKey("OPA").await();
      String unusedKey = access.createOperatorKey("OPA").await();
      // The operator's key and run are looked up (and cached) now; its pupil is not.
      assertThat(post(client, operator, new JsonArray().add(Events.example("run.started"))))
          .extracting(HttpResponse::statusCode)
          .isEqualTo(202);

      pg.close();
      JsonArray during =
          new JsonArray()
              .add(Events.event("call.offered").put("callId", "OUT-1"))
              .add(Events.event("call.answered").put("callId", "OUT-1"));
      HttpResponse<Buffer> refused = post(client, key, during);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(Integer.parseInt(refused.getHeader("Retry-After"))).isPositive();
      assertThat(client.get("/health/ready").send().await().statusCode()).isEqualTo(503);
      // Checks that need the database before the store is reached get the same answer.
      for (HttpResponse<Buffer> lookup :
          List.of(
              post(client, operator, new JsonArray().add(Events.example("pupil.boarded"))),
              post(client, unusedKey, new JsonArray().add(Events.example("run.started"))))) {
        assertThat(lookup.statusCode()).as(lookup.bodyAsString()).isEqualTo(503);
        assertThat(lookup.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(Integer.parseInt(lookup.getHeader("Retry-After"))).isPositive();
      }

      pg = startPg(dir.resolve("pg"), pgPort);
      JarProcess.await(
          "the server to see PostgreSQL again",
          Duration.ofSeconds(30),
          () -> client.get("/health/ready").send().await().statusCode() == 200);
      HttpResponse<Buffer> retried = post(client, key, during);
      assertThat(retried.statusCode()).as(retried.bodyAsString()).isEqualTo(202);
      assertThat(retried.bodyAsJsonObject().getInteger("accepted")).isEqualTo(2);
      HttpResponse<Buffer> again = post(client, key, during);
      assertThat(again.bodyAsJsonObject().getInteger("duplicates")).isEqualTo(2);
      try (var c = pg.getPostgresDatabase().getConnection();
          var s = c.createStatement();
          var rs = s.executeQuery("select count(*) from event")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(4);
      }
    } finally {
      client.close();
      vertx.close().await();
      pg.close();
    }
  }

  private static HttpResponse<Buffer> post(WebClient client, String key, JsonArray events) {
    return client
        .post("/api/v1/events")
        .putHeader("Authorization", "Bearer " + key)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(events.toBuffer())
        .await();
  }
}
