package travelwatch.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.support.JarProcess;

@DisplayName("A job's woken passes")
class PassesTest {
  private static final String ADDRESS = "passes.test";
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  @DisplayName(
      "A hundred wakes at once make one pass at once and one more a second later, not a hundred")
  void wakesAreGathered() {
    List<Long> passes = new CopyOnWriteArrayList<>();
    JobHealth jobs = new JobHealth(new SimpleMeterRegistry(), Clock.systemUTC(), ZoneId.of("UTC"));
    Passes<JsonObject> job =
        new Passes<>(
            jobs.job("test_passes"),
            Duration.ofHours(1),
            ADDRESS,
            (JsonObject m) -> "run".equals(m.getString("kind")),
            () -> {
              passes.add(System.nanoTime());
              return Future.succeededFuture(0);
            },
            "things done");
    vertx.deployVerticle(job).await();
    vertx.runOnContext(
        v -> {
          for (int i = 0; i < 100; i++) {
            vertx.eventBus().publish(ADDRESS, new JsonObject().put("kind", "run"));
          }
          vertx.eventBus().publish(ADDRESS, new JsonObject().put("kind", "alert")); // not a wake
        });
    JarProcess.await("two passes", Duration.ofSeconds(10), () -> passes.size() >= 2);
    assertThat(Duration.ofNanos(passes.get(1) - passes.get(0)))
        .as("the second pass waits out the gap")
        .isGreaterThanOrEqualTo(Duration.ofMillis(Passes.WAKE_GAP_MILLIS - 50));
    assertThat(passes).as("the other wakes were gathered into the second pass").hasSize(2);
  }
}
