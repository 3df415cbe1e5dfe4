package travelwatch.bench;

import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import travelwatch.config.MonitorSettings;
import travelwatch.monitor.CrewRegistry;
import travelwatch.monitor.Monitor;
import travelwatch.monitor.Observation;
import travelwatch.monitor.ObservationCodec;
import travelwatch.monitor.RunPlan;
import travelwatch.monitor.RunPlans;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanGenerator;

/**
 * The heap a monitor keeps per live run, in process: a monitor over 50,000 runs (25,000 routes, AM
 * and PM) is fed each run's morning so far — crew assigned, started, a few positions, every pupil
 * boarded — decoded from stored JSON as a replay would, then measured as the heap it retains: used
 * heap with the monitor, minus used heap once it is dropped (each after full collections).
 */
final class MonitorHeap {
  private static final int ROUTES = 25_000;
  private static final LocalDate DATE = LocalDate.of(2026, 11, 23);
  private static final ZoneId ZONE = ZoneId.of("Europe/London");
  private static final Duration POSITION_EVERY = Duration.ofMinutes(5);

  /** What is measured, held in fields so that nothing is collected before it is dropped. */
  private Plan plan;

  private List<RunPlan> runPlans;
  private Monitor monitor;

  private MonitorHeap() {}

  static JsonObject run() {
    return new MonitorHeap().measure();
  }

  private JsonObject measure() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long startedAt = System.nanoTime();
    MonitorSettings settings = MonitorSettings.defaults();
    plan = new PlanGenerator(3, ROUTES, List.of(DATE)).generate();
    runPlans = RunPlans.of(plan, DATE, ZONE, settings);
    CrewRegistry crew = new CrewRegistry();
    plan.crew().forEach(crew::register);
    monitor = new Monitor(DATE, ZONE, runPlans, crew, true, settings);
    Progress.say("monitor heap: %d runs planned, feeding each its morning", runPlans.size());

    long events = feedMornings(settings);
    plan = null;
    long withMonitor = usedAfterGc(memory);
    monitor = null;
    long withRunPlans = usedAfterGc(memory);
    int runs = runPlans.size();
    runPlans = null;
    long without = usedAfterGc(memory);

    double perRun = (double) (withMonitor - without) / runs;
    double planPerRun = (double) (withRunPlans - without) / runs;
    Progress.say(
        "monitor heap: %d runs, %d events: %.0f bytes per run (%.0f plan, %.0f state), %.1f MB in all",
        runs, events, perRun, planPerRun, perRun - planPerRun, (withMonitor - without) / 1e6);
    return new JsonObject()
        .put("runs", runs)
        .put("events", events)
        .put("retainedBytes", withMonitor - without)
        .put("retainedMegabytes", round1((withMonitor - without) / 1e6))
        .put("bytesPerRun", Math.round(perRun))
        .put("runPlanBytesPerRun", Math.round(planPerRun))
        .put("stateBytesPerRun", Math.round(perRun - planPerRun))
        .put("seconds", round1((System.nanoTime() - startedAt) / 1e9));
  }

  /**
   * Each run's events up to its last pickup, applied with that moment as "now": every run
   * mid-journey with all its pupils on board.
   */
  private long feedMornings(MonitorSettings settings) {
    Map<String, String> operatorOfRoute =
        plan.routes().stream().collect(Collectors.toMap(Plan.Route::id, Plan.Route::operatorId));
    Map<String, Plan.Run> runs =
        plan.runs().stream().collect(Collectors.toMap(Plan.Run::id, Function.identity()));
    long seq = 0;
    for (RunPlan p : runPlans) {
      Plan.Run run = runs.get(p.id());
      Instant now = RunDay.afterLastPickup(run, ZONE);
      List<RunDay.DayEvent> day =
          RunDay.events(run, operatorOfRoute.get(run.routeId()), ZONE, POSITION_EVERY, now);
      List<Observation> batch = new ArrayList<>(day.size());
      for (RunDay.DayEvent e : day) {
        batch.add(ObservationCodec.decode(e.stored(++seq, e.occurredAt().plusSeconds(2))));
      }
      monitor.apply(batch, now);
    }
    return seq;
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static double round1(double d) {
    return Math.round(d * 10) / 10.0;
  }
}
