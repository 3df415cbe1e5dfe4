package travelwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.LocalTime;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A short capacity step on two clustered nodes")
class CapacityClusterIT {
  @TempDir Path dir;

  @Test
  @DisplayName(
      "Operators' systems are spread over both nodes, every event is stored once, and the fault"
          + " check passes across the cluster")
  void shortStepOnTwoNodes() throws Exception {
    CapacityStep.Settings settings =
        new CapacityStep.Settings(
            1, 35, 60, LocalTime.of(6, 30), LocalTime.of(7, 0), 1, 500, 2, 5, null);

    JsonObject step = CapacityStep.run(dir, settings, null);

    JsonObject summary = step.getJsonObject("summary");
    assertThat(summary.getJsonObject("faultCheck").getBoolean("passed"))
        .as("fault check: %s", summary.getJsonObject("faultCheck"))
        .isTrue();
    assertThat(summary.getLong("accepted") + summary.getLong("duplicates"))
        .isEqualTo(summary.getLong("due"));
    assertThat(summary.getLong("refused")).isZero();
    assertThat(step.getJsonArray("storedByNode")).hasSize(2);
    long first = step.getJsonArray("storedByNode").getLong(0);
    long second = step.getJsonArray("storedByNode").getLong(1);
    assertThat(first).as("stored through node 0").isPositive();
    assertThat(second).as("stored through node 1").isPositive();
    assertThat(first + second).isEqualTo(summary.getLong("accepted"));
    assertThat(summary.getJsonObject("eventToAlert").getInteger("waiting")).isZero();
    assertThat(step.getJsonObject("cpuSeconds").getDouble("server")).isPositive();
  }
}
