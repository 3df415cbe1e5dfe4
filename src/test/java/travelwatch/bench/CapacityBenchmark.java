package travelwatch.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;

/**
 * How much live load one node carries: all of England is about forty Birminghams. Each step plays N
 * Birmingham-scale councils' morning at clock speed S (N × S Birmingham-equivalents, "BE") against
 * {@code serve} on one embedded PostgreSQL, server and simulator in JVMs of their own; the ramp
 * stops after the first step that does not hold (see {@link CapacityReport#judge}). Run alone with
 * {@code -Dbench.only=capacity}; {@code -Dbench.capacity.steps=1x10,4x10,4x25} (councils × speed;
 * {@code 4x25@2}: on two clustered nodes alone), {@code -Dbench.capacity.until=09:30}, {@code
 * -Dbench.capacity.monitorTickMs=500}, {@code -Dbench.capacity.batchEvery=5} (service seconds
 * between an operator system's requests), {@code -Dbench.capacity.warmFrom=14:30} (where the warm
 * figures start; by default after the step's first sixth); with {@code
 * -Dbench.capacity.cluster=true} each step is played again on two {@code serve --cluster} nodes and
 * compared with one.
 */
final class CapacityBenchmark {
  private static final String DEFAULT_STEPS = "1x10,2x10,4x10,4x25,10x10,10x25";
  private static final LocalTime CLOCK_START = LocalTime.of(6, 30);
  private static final Duration SINGLE_EVENTS = Duration.ofSeconds(10);

  /**
   * The server's monitor tick in this benchmark: the not-started and late rules are checked each
   * tick, so at the default 5 s their alerts could not come within the 1 s the steps are held to.
   */
  private static final int MONITOR_TICK_MILLIS = 500;

  private CapacityBenchmark() {}

  static JsonObject run(Path dir) throws Exception {
    boolean cluster = Boolean.getBoolean("bench.capacity.cluster");
    LocalTime until = LocalTime.parse(System.getProperty("bench.capacity.until", "09:30"));
    double batchEvery = Double.parseDouble(System.getProperty("bench.capacity.batchEvery", "5"));
    String warmFrom = System.getProperty("bench.capacity.warmFrom");
    LocalTime warmAt = warmFrom == null || warmFrom.isBlank() ? null : LocalTime.parse(warmFrom);
    if (warmAt != null && (!warmAt.isAfter(CLOCK_START) || !warmAt.isBefore(until))) {
      throw new IllegalArgumentException(
          "bench.capacity.warmFrom must fall between " + CLOCK_START + " and " + until);
    }
    List<CapacityStep.Settings> steps = new ArrayList<>();
    for (String step : System.getProperty("bench.capacity.steps", DEFAULT_STEPS).split(",")) {
      // councils x speed, and @nodes for a step on that many clustered nodes alone
      String[] at = step.trim().split("@");
      String[] parts = at[0].split("x");
      steps.add(
          new CapacityStep.Settings(
              Integer.parseInt(parts[0]),
              CapacityStep.BIRMINGHAM_ROUTES,
              Double.parseDouble(parts[1]),
              CLOCK_START,
              until,
              1,
              Integer.getInteger("bench.capacity.monitorTickMs", MONITOR_TICK_MILLIS),
              at.length > 1 ? Integer.parseInt(at[1]) : 1,
              batchEvery,
              warmAt));
    }
    JsonArray results = new JsonArray();
    JsonObject top = null;
    double topBe = 0;
    for (CapacityStep.Settings s : steps) {
      JsonObject step = measure(dir, s, s.nodes() == 1 ? SINGLE_EVENTS : null);
      results.add(step);
      if (cluster && s.nodes() == 1) {
        JsonObject clustered = measure(dir, s.on(2), null);
        step.put("cluster", clusterComparison(step, clustered));
        JsonObject c = step.getJsonObject("cluster");
        Progress.say(
            "capacity: %s on 2 clustered nodes %s; server CPU per 1,000 events from %s (warm) %.0f"
                + " ms against one node's %.0f ms: ratio %.2f (%.2f without the JIT compiler);"
                + " over the whole step %.0f against %.0f ms, ratio %.2f (%.2f without the JIT"
                + " compiler)",
            s.label(),
            clustered.getBoolean("holds") ? "holds" : "does not hold",
            s.warmFrom(),
            warmPer1000(clustered),
            warmPer1000(step),
            c.getDouble("warmRatio"),
            c.getDouble("warmRatioWithoutJit"),
            clustered.getDouble("serverCpuMillisPer1000Events"),
            step.getDouble("serverCpuMillisPer1000Events"),
            c.getDouble("ratio"),
            c.getDouble("ratioWithoutJit"));
      }
      if (!step.getBoolean("holds")) {
        break;
      }
      if (s.be() > topBe) {
        topBe = s.be();
        top = step;
      }
    }
    JsonObject charted = top != null ? top : results.getJsonObject(results.size() - 1);
    CapacityReport.chart(charted, Path.of("target", "bench", "capacity.svg"));
    return new JsonObject()
        .put("highestHoldingBe", topBe)
        .put("chartedStep", charted.getString("step"))
        .put("steps", results);
  }

  /** One step run, judged, and said. */
  static JsonObject measure(Path dir, CapacityStep.Settings s, Duration singleEvents)
      throws Exception {
    Progress.say(
        "capacity: step %s (%.1f BE), %s–%s simulated",
        s.label(), s.be(), s.clockStart(), s.until());
    JsonObject step = CapacityStep.run(dir.resolve(s.label()), s, singleEvents);
    CapacityReport.Judged judged = CapacityReport.judge(step, s);
    step.put("holds", judged.holds())
        .put("reasons", new JsonArray(judged.reasons()))
        .put("backlogGrew", judged.backlogGrew())
        .put("maxBacklog", CapacityReport.maxBacklogOnceCaughtUp(step.getJsonArray("progress")))
        .put("rates", CapacityReport.rates(step.getJsonArray("progress")))
        .put("eventToAlertSteady", CapacityReport.steadyLatency(step));
    JsonObject latency = step.getJsonObject("eventToAlertSteady");
    Progress.say(
        "capacity: %s %s: peak %d events/s offered, %d stored, %.1f events a request, backlog at"
            + " most %d; event-to-alert p50 %.0f ms, p99 %.0f ms (%d); CPU server %.0f s,"
            + " PostgreSQL %.0f s, simulator %.0f s; load %s%s",
        s.label(),
        judged.holds() ? "holds" : "does not hold",
        step.getJsonObject("rates").getLong("peakOfferedPerSecond"),
        step.getJsonObject("rates").getLong("peakStoredPerSecond"),
        step.getDouble("eventsPerRequest"),
        step.getLong("maxBacklog"),
        latency.getDouble("p50Millis"),
        latency.getDouble("p99Millis"),
        latency.getInteger("count"),
        step.getJsonObject("cpuSeconds").getDouble("server"),
        step.getJsonObject("cpuSeconds").getDouble("postgres"),
        step.getJsonObject("cpuSeconds").getDouble("simulator"),
        step.getString("loadAverage"),
        judged.holds() ? "" : " — " + String.join("; ", judged.reasons()));
    return step;
  }

  /**
   * Two clustered nodes against one at the same BE: the ratio is one node's server CPU per 1,000
   * events over the cluster's (both nodes' together), so 0.8 means coordination cost 25% more. The
   * warm ratio compares the nodes past their warm-up (see {@link CapacityStep.Settings#warmFrom}),
   * as a service running all day runs; the whole step's ratio counts each JVM's warm-up too, which
   * the second node pays again, and the ratio without JIT leaves out only the compiler's threads.
   */
  static JsonObject clusterComparison(JsonObject one, JsonObject two) {
    return new JsonObject()
        .put("step", two)
        .put("warmRatio", ratio(warmPer1000(one), warmPer1000(two)))
        .put(
            "warmRatioWithoutJit",
            ratio(
                warm(one, "serverCpuMillisPer1000EventsWithoutJit"),
                warm(two, "serverCpuMillisPer1000EventsWithoutJit")))
        .put(
            "ratio",
            ratio(
                one.getDouble("serverCpuMillisPer1000Events"),
                two.getDouble("serverCpuMillisPer1000Events")))
        .put(
            "ratioWithoutJit",
            ratio(
                one.getDouble("serverCpuMillisPer1000EventsWithoutJit"),
                two.getDouble("serverCpuMillisPer1000EventsWithoutJit")));
  }

  /** Server CPU ms per 1,000 events once warm; 0 when the step ended before it was. */
  static double warmPer1000(JsonObject step) {
    return warm(step, "serverCpuMillisPer1000Events");
  }

  /** A figure of the step once warm; 0 when the step ended before it was. */
  private static double warm(JsonObject step, String figure) {
    JsonObject warm = step.getJsonObject("warm");
    return warm == null ? 0 : warm.getDouble(figure);
  }

  private static double ratio(double one, double both) {
    return both == 0 ? 0 : Math.round(one / both * 100) / 100.0;
  }

  /** The report's table: one row a step. */
  static void markdown(StringBuilder md, JsonObject c) {
    md.append("## Capacity: live load on one node\n\n")
        .append(
            "N Birmingham-scale councils (1,050 routes each) played at clock speed S: N × S"
                + " Birmingham-equivalents (BE). A step holds when its backlog stayed within 5 s of"
                + " the peak's offered load once caught up and did not grow over the last 30"
                + " simulated minutes, nothing was refused, the fault check passed and"
                + " event-to-alert p99 ≤ 1 s. Highest BE that held: ")
        .append(c.getDouble("highestHoldingBe"))
        .append(". Chart of step ")
        .append(c.getString("chartedStep"))
        .append(": `capacity.svg`.\n\n")
        .append(
            "| step | BE | holds | peak offered ev/s | peak stored ev/s | events a request |"
                + " backlog max / grew |"
                + " event-to-alert p50 / p99 ms (n), once caught up | all: p99 ms (n) | CPU s server"
                + " / PostgreSQL / simulator |"
                + " heap max / after GC MB | group-commit rows | monitor steps (events a step) |"
                + " server CPU ms per 1,000 events"
                + " (day / single events, ratio) | the same once warm | fault check | load"
                + " average |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    JsonArray steps = c.getJsonArray("steps");
    for (int i = 0; i < steps.size(); i++) {
      JsonObject s = steps.getJsonObject(i);
      JsonObject summary = s.getJsonObject("summary");
      JsonObject l = s.getJsonObject("eventToAlertSteady");
      JsonObject all = summary.getJsonObject("eventToAlert");
      JsonObject cpu = s.getJsonObject("cpuSeconds");
      JsonObject single = s.getJsonObject("singleEvents");
      double day = s.getDouble("serverCpuMillisPer1000Events");
      String perEvent =
          single == null || !single.containsKey("serverCpuMillisPer1000Events")
              ? String.format("%.0f / –", day)
              : String.format(
                  "%.0f / %.0f, %.2f",
                  day,
                  single.getDouble("serverCpuMillisPer1000Events"),
                  day / Math.max(0.001, single.getDouble("serverCpuMillisPer1000Events")));
      double warm = warmPer1000(s);
      String warmPerEvent =
          warm == 0
              ? "–"
              : single == null || !single.containsKey("serverCpuMillisPer1000Events")
                  ? String.format("%.0f", warm)
                  : String.format(
                      "%.0f, %.2f",
                      warm,
                      warm / Math.max(0.001, single.getDouble("serverCpuMillisPer1000Events")));
      md.append(
          String.format(
              "| %s | %.1f | %s | %d | %d | %.1f | %d / %s | %.0f / %.0f (%d) | %.0f (%d) |"
                  + " %.0f / %.0f / %.0f |"
                  + " %d / %d |"
                  + " %.1f | %d (%.1f) | %s | %s | %s | %s |%n",
              s.getString("step"),
              s.getDouble("be"),
              s.getBoolean("holds") ? "yes" : "no: " + String.join("; ", reasons(s)),
              s.getJsonObject("rates").getLong("peakOfferedPerSecond"),
              s.getJsonObject("rates").getLong("peakStoredPerSecond"),
              s.getDouble("eventsPerRequest"),
              s.getLong("maxBacklog"),
              s.getBoolean("backlogGrew") ? "yes" : "no",
              l.getDouble("p50Millis"),
              l.getDouble("p99Millis"),
              l.getInteger("count"),
              all.getDouble("p99Millis"),
              all.getInteger("count"),
              cpu.getDouble("server"),
              cpu.getDouble("postgres"),
              cpu.getDouble("simulator"),
              s.getLong("serverHeapMaxBytes") >> 20,
              s.getLong("serverHeapAfterGcBytes") >> 20,
              s.getDouble("groupCommitMeanRows"),
              s.getLong("monitorSteps", 0L),
              s.getDouble("monitorStepMeanEvents", 0.0),
              perEvent,
              warmPerEvent,
              summary.getJsonObject("faultCheck").getBoolean("passed") ? "passed" : "failed",
              s.getString("loadAverage")));
    }
    md.append('\n');
    for (int i = 0; i < steps.size(); i++) {
      JsonObject s = steps.getJsonObject(i);
      JsonObject comparison = s.getJsonObject("cluster");
      if (comparison != null) {
        JsonObject two = comparison.getJsonObject("step");
        md.append(
            String.format(
                "Step %s on two clustered nodes: %s; peak stored %d ev/s, event-to-alert p99 %.0f"
                    + " ms, server CPU %.0f s (both nodes), PostgreSQL %.0f s; %d monitor steps"
                    + " (%.1f events a step) against one node's %d (%.1f). Once warm (from %s):"
                    + " %.0f ms per 1,000 events against one node's %.0f, **ratio %.2f** (%.2f"
                    + " without each JVM's JIT compiler); server"
                    + " CPU by thread %s against one node's %s. Over the whole step, warm-up"
                    + " included: %.0f ms per 1,000 events against one node's %.0f: ratio %.2f"
                    + " (%.2f without each JVM's JIT compiler); server CPU by thread %s against one"
                    + " node's %s.%n%n",
                s.getString("step"),
                two.getBoolean("holds")
                    ? "holds"
                    : "does not hold: " + String.join("; ", reasons(two)),
                two.getJsonObject("rates").getLong("peakStoredPerSecond"),
                two.getJsonObject("eventToAlertSteady").getDouble("p99Millis"),
                two.getJsonObject("cpuSeconds").getDouble("server"),
                two.getJsonObject("cpuSeconds").getDouble("postgres"),
                two.getLong("monitorSteps", 0L),
                two.getDouble("monitorStepMeanEvents", 0.0),
                s.getLong("monitorSteps", 0L),
                s.getDouble("monitorStepMeanEvents", 0.0),
                warmFrom(two),
                warmPer1000(two),
                warmPer1000(s),
                comparison.getDouble("warmRatio"),
                comparison.getDouble("warmRatioWithoutJit"),
                warmByThread(two),
                warmByThread(s),
                two.getDouble("serverCpuMillisPer1000Events"),
                s.getDouble("serverCpuMillisPer1000Events"),
                comparison.getDouble("ratio"),
                comparison.getDouble("ratioWithoutJit"),
                two.getJsonObject("serverCpuByThread").encode(),
                s.getJsonObject("serverCpuByThread").encode()));
      }
    }
    for (int i = 0; i < steps.size(); i++) {
      JsonObject s = steps.getJsonObject(i);
      JsonObject kinds =
          s.getJsonObject("summary").getJsonObject("eventToAlert").getJsonObject("byKind");
      if (kinds == null) {
        continue;
      }
      md.append("Event-to-alert by fault, step ").append(s.getString("step")).append(": ");
      List<String> parts = new ArrayList<>();
      kinds.forEach(
          k -> {
            JsonObject f = (JsonObject) k.getValue();
            parts.add(
                String.format(
                    "%s p50 %.0f / p99 %.0f ms (%d)",
                    k.getKey(),
                    f.getDouble("p50Millis"),
                    f.getDouble("p99Millis"),
                    f.getInteger("count")));
          });
      md.append(String.join("; ", parts)).append(".\n\n");
    }
  }

  private static String warmFrom(JsonObject step) {
    JsonObject warm = step.getJsonObject("warm");
    return warm == null ? "–" : warm.getString("from");
  }

  private static String warmByThread(JsonObject step) {
    JsonObject warm = step.getJsonObject("warm");
    return warm == null ? "{}" : warm.getJsonObject("serverCpuByThread").encode();
  }

  private static List<String> reasons(JsonObject step) {
    return step.getJsonArray("reasons").stream().map(String::valueOf).toList();
  }
}
