package travelwatch.tracker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Trackers' positions by source ({@code osmand}, {@code traccar}) and what became of them: {@code
 * stored}, {@code duplicate}, {@code unmatched} (the vehicle is on no started run), {@code
 * inaccurate} (not valid, or accuracy worse than the limit).
 */
final class TrackerMetrics {
  static final String OSMAND = "osmand";
  static final String TRACCAR = "traccar";

  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  TrackerMetrics(MeterRegistry registry) {
    for (String source : new String[] {OSMAND, TRACCAR}) {
      for (String outcome : new String[] {"stored", "duplicate", "unmatched", "inaccurate"}) {
        counters.put(
            source + "|" + outcome,
            Counter.builder("travelwatch_tracker_positions")
                .description(
                    "Trackers' positions by source (osmand, traccar) and outcome (stored,"
                        + " duplicate, unmatched: on no started run, inaccurate)")
                .tag("source", source)
                .tag("outcome", outcome)
                .register(registry));
      }
    }
  }

  void count(String source, String outcome) {
    counters.get(source + "|" + outcome).increment();
  }
}
