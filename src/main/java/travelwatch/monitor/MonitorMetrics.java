package travelwatch.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import travelwatch.monitor.RunState.Status;

/** The monitors' meters: runs by status, the calls answer rate, event-to-alert latency. */
public final class MonitorMetrics {
  private final Map<Status, AtomicLong> runs = new EnumMap<>(Status.class);
  private final AtomicReference<Double> answerRate = new AtomicReference<>(Double.NaN);
  private final AtomicLong callsOffered = new AtomicLong();
  private final Timer eventToAlert;
  private final Counter ticks;
  private final DistributionSummary stepEvents;

  public MonitorMetrics(MeterRegistry registry) {
    for (Status s : Status.values()) {
      AtomicLong n = new AtomicLong();
      runs.put(s, n);
      Gauge.builder("travelwatch_runs", n, AtomicLong::get)
          .description("Today's runs by status")
          .tag("status", s.wireName())
          .register(registry);
    }
    Gauge.builder("travelwatch_calls_answer_ratio", answerRate, AtomicReference::get)
        .description("Calls answered / offered over the last 60 minutes (NaN when none offered)")
        .register(registry);
    Gauge.builder("travelwatch_calls_offered_window", callsOffered, AtomicLong::get)
        .description("Calls offered over the last 60 minutes")
        .register(registry);
    ticks =
        Counter.builder("travelwatch_monitor_ticks_total")
            .description("Ticks of this node's monitors: each judges the deadline rules once")
            .register(registry);
    stepEvents =
        DistributionSummary.builder("travelwatch_monitor_step_events")
            .description("Events each step of this node's monitors applied and stored together")
            .register(registry);
    eventToAlert =
        Timer.builder("travelwatch_event_to_alert")
            .description("From an event's arrival to its alert being stored")
            .publishPercentileHistogram()
            .register(registry);
  }

  /** How far (service seconds) the intake watermark is behind the service clock. */
  public static void intakeLag(MeterRegistry registry, Supplier<Duration> lag) {
    Gauge.builder("travelwatch_intake_lag_seconds", () -> lag.get().toMillis() / 1000.0)
        .description(
            "How far behind the service clock the monitors have taken in every accepted event"
                + " (the watermark deadline rules judge against)")
        .register(registry);
  }

  /**
   * The runs of the shards this node monitors, and the calls if it monitors the council-wide shard
   * ({@code calls} null otherwise): summed over the nodes, the cluster's figures.
   */
  void observe(Collection<Monitor> monitors, Monitor calls, Instant now) {
    ticks.increment();
    Map<Status, Long> counts = new EnumMap<>(Status.class);
    for (Monitor monitor : monitors) {
      for (RunState s : monitor.runs()) {
        counts.merge(s.status(), 1L, Long::sum);
      }
    }
    runs.forEach((status, n) -> n.set(counts.getOrDefault(status, 0L)));
    CallsWindow.Rate rate = calls == null ? new CallsWindow.Rate(0, 0) : calls.callRate(now);
    callsOffered.set(rate.offered());
    answerRate.set(rate.offered() == 0 ? Double.NaN : rate.ratio());
  }

  void stepped(int events) {
    stepEvents.record(events);
  }

  void eventToAlert(Duration latency) {
    eventToAlert.record(latency.isNegative() ? Duration.ZERO : latency);
  }
}
