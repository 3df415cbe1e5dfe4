package travelwatch.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

/**
 * {@code TW_OSMAND_PORT}: the OsmAnd protocol on a port of its own, where Traccar Client posts to
 * the server's root (its server URL is {@code http://host:port}); nothing else is served there.
 */
@Timeout(60)
@DisplayName("Trackers: the OsmAnd protocol on a port of its own")
class TrackerOsmAndPortTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T08:05:00Z"));
  private final Vertx vertx = Vertx.vertx();
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    vertx.close().await();
  }

  @Test
  @DisplayName(
      "Traccar Client posting to the port's root stores the run's position; the API is not there")
  void traccarClientOnItsOwnPort() {
    int port = TestServer.freePort();
    server = new TestServer(Map.of("TW_OSMAND_PORT", String.valueOf(port)), clock);
    String admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    String operatorA = server.operatorKey("OPA");
    String viewer = server.scopeKey(Scope.CONTROL);
    String trackerId =
        server
            .post("/api/v1/trackers", operatorA, new JsonObject().put("vehicleReg", "AB12CDE"))
            .bodyAsJsonObject()
            .getString("trackerId");
    Events.store(
        server,
        operatorA,
        Events.event("run.started", "2026-11-23T08:00:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("driverId", TwoOperators.DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", "AB12 CDE"));
    JarProcess.await(
        "run A to start",
        Duration.ofSeconds(10),
        () ->
            "started"
                .equals(
                    server
                        .get("/api/v1/runs/" + TwoOperators.RUN_A, viewer)
                        .bodyAsJsonObject()
                        .getString("status")));

    WebClient osmAnd =
        WebClient.create(
            vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(port));
    var answer =
        osmAnd
            .post(
                "/?id="
                    + trackerId
                    + "&timestamp="
                    + Instant.parse("2026-11-23T08:04:00Z").getEpochSecond()
                    + "&lat=52.499&lon=-1.8995&speed=10.0&bearing=180.0&altitude=131.0"
                    + "&accuracy=8.0&batt=87.0")
            .send()
            .await();
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    long stored =
        server
            .pool()
            .query(
                "select count(*) from event where source = 'tracker' and type = 'vehicle.position'")
            .execute()
            .await()
            .iterator()
            .next()
            .getLong(0);
    assertThat(stored).isEqualTo(1);
    assertThat(
            osmAnd
                .get("/api/v1/runs/" + TwoOperators.RUN_A)
                .putHeader("Authorization", "Bearer " + viewer)
                .send()
                .await()
                .statusCode())
        .isEqualTo(404);
    osmAnd.close();
  }
}
