package travelwatch.monitor;

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
import travelwatch.monitor.RunState.Status;

/** The monitors' meters: runs by status, the calls answer rate, event-to-alert latency. */
public final class MonitorMetrics {
  private final Map<Status, AtomicLong> runs = new EnumMap<>(Status.class);
  private final AtomicReference<Double> answerRate = new AtomicReference<>(Double.NaN);
  private final AtomicLong callsOffered = new AtomicLong();
  private final Timer eventToAlert;

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
    eventToAlert =
        Timer.builder("travelwatch_event_to_alert")
            .description("From an event's arrival to its alert being stored")
            .publishPercentileHistogram()
            .register(registry);
  }

  /**
   * The runs of the shards this node monitors, and the calls if it monitors the council-wide shard
   * ({@code calls} null otherwise): summed over the nodes, the cluster's figures.
   */
  void observe(Collection<Monitor> monitors, Monitor calls, Instant now) {
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

  void eventToAlert(Duration latency) {
    eventToAlert.record(latency.isNegative() ? Duration.ZERO : latency);
  }
}
