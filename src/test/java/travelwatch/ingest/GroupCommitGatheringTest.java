package travelwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.plan.PlanJson;
import travelwatch.support.Events;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@DisplayName("Single-event requests arriving together share a commit")
class GroupCommitGatheringTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T08:06:00Z"));
  private TestServer server;
  private String operatorA;

  @BeforeEach
  void start() {
    // One HTTP event loop (one writer), and a delay long enough that timing cannot blur the groups.
    server =
        TestServer.withPlan(
            clock,
            PlanJson.write(TwoOperators.plan()),
            Map.of("TW_HTTP_INSTANCES", "1", "TW_INGEST_FLUSH_DELAY_MS", "1000"));
    operatorA = server.operatorKey("OPA");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Groups written so far and the rows in them, from {@code travelwatch_ingest_batch_rows}. */
  private double[] groups() {
    return server.summary("travelwatch_ingest_batch_rows");
  }

  private static String position(int i) {
    return new JsonArray()
        .add(
            Events.example("vehicle.position")
                .put("eventId", "gather-" + i)
                .put("occurredAt", "2026-11-23T08:05:00Z"))
        .encode();
  }

  @Test
  @DisplayName(
      "A request on a quiet writer is written at once; ten more straight after it wait out the"
          + " delay and are written in one group, not one then nine")
  void requestsRightAfterAGroupGatherIntoOne() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    // The client's own first-use setup is not to stretch the burst below: warm it first.
    for (int i = 0; i < 3; i++) {
      http.send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + server.port + "/health/live"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
    double[] before = groups();
    Events.store(server, operatorA, Events.example("vehicle.position").put("eventId", "first"));
    double[] first = groups();
    assertThat(first[0] - before[0]).as("one group for the first request").isEqualTo(1);
    assertThat(first[1] - before[1]).isEqualTo(1);

    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sent.add(
          http.sendAsync(
              HttpRequest.newBuilder(
                      URI.create("http://localhost:" + server.port + "/api/v1/events"))
                  .header("Authorization", "Bearer " + operatorA)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(position(i)))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> r : sent) {
      assertThat(r.get().statusCode()).as(r.get().body()).isEqualTo(202);
    }
    double[] after = groups();
    assertThat(after[1] - first[1]).as("rows").isEqualTo(10);
    assertThat(after[0] - first[0]).as("groups for the ten requests").isEqualTo(1);
  }
}
