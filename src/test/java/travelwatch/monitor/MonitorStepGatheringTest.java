package travelwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.plan.PlanJson;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@DisplayName("Events reaching the monitor close together are applied and stored in one step")
class MonitorStepGatheringTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Half the window below: what waits the window out is not applied by then. */
  private static final Duration AT_ONCE = Duration.ofSeconds(3);

  private static final String STEPS = "travelwatch_monitor_step_events";

  /**
   * One HTTP event loop (one writer, so one hand-off to the monitor at a time), and a window long
   * enough that timing cannot blur the steps.
   */
  private static TestServer server() {
    return TestServer.withPlan(
        new TestClock(Instant.parse("2026-11-23T08:05:00Z")),
        PlanJson.write(TwoOperators.plan()),
        Map.of("TW_HTTP_INSTANCES", "1", "TW_MONITOR_GATHER_MS", "6000"));
  }

  private static JsonObject position(String id) {
    return Events.example("vehicle.position").put("eventId", id);
  }

  /** Stores one event at a quiet moment and checks it is applied at once, in a step of its own. */
  private static void storeFirst(TestServer server, String operator) {
    double[] before = server.summary(STEPS);
    Events.store(server, operator, position("first"));
    JarProcess.await(
        "the first event applied at once", AT_ONCE, () -> server.summary(STEPS)[1] > before[1]);
    assertThat(server.summary(STEPS)[0] - before[0]).as("steps for the first event").isEqualTo(1);
  }

  @Test
  @DisplayName(
      "An event at a quiet moment is applied at once; of five stored straight after it, the first"
          + " waits out the window and the four that came while it waited follow in one step, not"
          + " four")
  void eventsRightAfterAStepGatherIntoOne() {
    try (TestServer server = server()) {
      String operator = server.operatorKey("OPA");
      storeFirst(server, operator);

      double[] mark = server.summary(STEPS);
      for (int i = 0; i < 5; i++) {
        Events.store(server, operator, position("then-" + i));
      }
      assertThat(server.summary(STEPS)[1] - mark[1])
          .as("events applied before the window is out")
          .isZero();
      JarProcess.await("five events applied", WAIT, () -> server.summary(STEPS)[1] - mark[1] >= 5);
      double[] then = server.summary(STEPS);
      assertThat(then[1] - mark[1]).as("events").isEqualTo(5);
      assertThat(then[0] - mark[0]).as("steps for the five").isEqualTo(2);
    }
  }

  @Test
  @DisplayName(
      "A step's worth of events straight after a step does not wait out the window: applied at once"
          + " in a step of its own")
  void aFullStepGoesAtOnce() {
    try (TestServer server = server()) {
      String operator = server.operatorKey("OPA");
      storeFirst(server, operator);

      double[] mark = server.summary(STEPS);
      JsonObject[] many =
          IntStream.range(0, MonitorVerticle.STEP_EVENTS)
              .mapToObj(i -> position("many-" + i))
              .toArray(JsonObject[]::new);
      Events.store(server, operator, many);
      JarProcess.await(
          "a full step applied at once",
          AT_ONCE,
          () -> server.summary(STEPS)[1] - mark[1] >= MonitorVerticle.STEP_EVENTS);
      assertThat(server.summary(STEPS)[0] - mark[0])
          .as("steps for a full step's events")
          .isEqualTo(1);
    }
  }
}
