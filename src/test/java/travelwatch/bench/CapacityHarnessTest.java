package travelwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capacity benchmark's harness in miniature: about 2 Birmingham-equivalents (35 routes at 60x)
 * for half a simulated hour, with the server and the simulator in JVMs of their own as in the
 * benchmark. Proves the figures are collected and the simulator's fault check passes; no timings.
 */
@Timeout(180)
@DisplayName("A short capacity step: server and simulator as separate processes, figures collected")
class CapacityHarnessTest {
  @TempDir Path dir;

  @Test
  @DisplayName(
      "The step reports load, backlog, CPU split, heap, group commits and event-to-alert latency,"
          + " and the fault check passes")
  void shortStepReportsItsFigures() throws Exception {
    CapacityStep.Settings settings =
        new CapacityStep.Settings(
            1, 35, 60, LocalTime.of(6, 30), LocalTime.of(7, 0), 1, 500, 1, 5, null);
    assertThat(settings.be()).isEqualTo(2.0);

    JsonObject step = CapacityStep.run(dir, settings, null);

    JsonObject summary = step.getJsonObject("summary");
    assertThat(summary.getJsonObject("faultCheck").getBoolean("passed"))
        .as("fault check: %s", summary.getJsonObject("faultCheck"))
        .isTrue();
    assertThat(summary.getLong("due")).isPositive();
    assertThat(summary.getLong("accepted") + summary.getLong("duplicates"))
        .isEqualTo(summary.getLong("due"));
    assertThat(summary.getLong("refused")).isZero();
    assertThat(summary.getLong("backlog")).isZero();
    // The cancellation and the uncleared driver's assignment fall in the first half hour.
    JsonObject latency = summary.getJsonObject("eventToAlert");
    assertThat(latency.getInteger("count")).isPositive();
    assertThat(latency.getInteger("waiting")).isZero();
    assertThat(latency.getDouble("p99Millis"))
        .isGreaterThanOrEqualTo(latency.getDouble("p50Millis"));
    assertThat(summary.getJsonArray("eventToAlertTimeline")).hasSize(latency.getInteger("count"));
    assertThat(step.getJsonArray("progress")).isNotEmpty();
    assertThat(step.getJsonObject("cpuSeconds").getDouble("server")).isPositive();
    assertThat(step.getJsonObject("cpuSeconds").getDouble("postgres")).isPositive();
    assertThat(step.getJsonObject("cpuSeconds").getDouble("simulator")).isPositive();
    assertThat(step.getLong("serverHeapMaxBytes")).isPositive();
    JsonObject byThread = step.getJsonObject("serverCpuByThread");
    assertThat(byThread.getDouble("eventLoops")).isPositive();
    assertThat(step.getDouble("serverCpuMillisPer1000EventsWithoutJit"))
        .isLessThanOrEqualTo(step.getDouble("serverCpuMillisPer1000Events"));
    assertThat(step.getDouble("groupCommitMeanRows")).isGreaterThanOrEqualTo(1.0);
    assertThat(step.getLong("monitorSteps")).isPositive();
    assertThat(step.getDouble("monitorStepMeanEvents")).isGreaterThanOrEqualTo(1.0);
    // Past the first sixth of the day (06:35 here): the events and CPU of that part alone.
    JsonObject warm = step.getJsonObject("warm");
    assertThat(warm.getString("from")).isEqualTo("06:35");
    assertThat(warm.getLong("stored"))
        .isPositive()
        .isLessThanOrEqualTo(summary.getLong("accepted"));
    assertThat(warm.getDouble("serverCpuSeconds"))
        .isPositive()
        .isLessThanOrEqualTo(step.getJsonObject("cpuSeconds").getDouble("server"));
    assertThat(warm.getDouble("serverCpuMillisPer1000Events")).isPositive();
    assertThat(step.getJsonArray("timeline")).isNotEmpty();

    CapacityReport.Judged judged = CapacityReport.judge(step, settings);
    assertThat(judged.reasons()).doesNotContain("the fault check failed");
    Path svg = dir.resolve("capacity.svg");
    CapacityReport.chart(step, svg);
    assertThat(Files.readString(svg)).startsWith("<svg").contains("polyline");
  }

  private static JsonObject step(double whole, double wholeNoJit, double warm, double warmNoJit) {
    return new JsonObject()
        .put("serverCpuMillisPer1000Events", whole)
        .put("serverCpuMillisPer1000EventsWithoutJit", wholeNoJit)
        .put(
            "warm",
            new JsonObject()
                .put("serverCpuMillisPer1000Events", warm)
                .put("serverCpuMillisPer1000EventsWithoutJit", warmNoJit));
  }

  @Test
  @DisplayName(
      "Two nodes against one: one node's CPU per 1,000 events over both nodes', over the whole step"
          + " and once warm, each with and without the JIT compiler's threads")
  void clusterRatiosCompareOneNodeWithBoth() {
    JsonObject c =
        CapacityBenchmark.clusterComparison(step(100, 60, 80, 50), step(200, 75, 125, 62.5));

    assertThat(c.getDouble("ratio")).isEqualTo(0.5);
    assertThat(c.getDouble("ratioWithoutJit")).isEqualTo(0.8);
    assertThat(c.getDouble("warmRatio")).isEqualTo(0.64);
    assertThat(c.getDouble("warmRatioWithoutJit")).isEqualTo(0.8);
  }

  @Test
  @DisplayName(
      "The warm figures start where -Dbench.capacity.warmFrom says, else after the step's first"
          + " sixth; the same on two nodes")
  void warmFiguresStartWhereAsked() {
    CapacityStep.Settings morning =
        new CapacityStep.Settings(
            4, 1050, 25, LocalTime.of(6, 30), LocalTime.of(9, 30), 1, 500, 1, 5, null);
    CapacityStep.Settings day =
        new CapacityStep.Settings(
            4,
            1050,
            25,
            LocalTime.of(6, 30),
            LocalTime.of(17, 0),
            1,
            500,
            1,
            5,
            LocalTime.of(14, 30));

    assertThat(morning.warmFrom()).isEqualTo(LocalTime.of(7, 0));
    assertThat(day.warmFrom()).isEqualTo(LocalTime.of(14, 30));
    assertThat(day.on(2).warmFrom()).isEqualTo(LocalTime.of(14, 30));
    assertThat(day.on(2).label()).isEqualTo("4x25-2nodes");
  }
}
