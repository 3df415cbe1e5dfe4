package travelwatch.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Ingest's meters: what was stored, what was refused and why, batch sizes and commit latency. */
public final class IngestMetrics {
  private final MeterRegistry registry;
  private final Map<Source, Map<EventType, Counter>> ingested = new EnumMap<>(Source.class);
  private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
  private final DistributionSummary batchRows;
  private final Timer commit;
  private final AtomicInteger inFlight = new AtomicInteger();

  public IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Source source : Source.values()) {
      Map<EventType, Counter> byType = new EnumMap<>(EventType.class);
      for (EventType type : EventType.values()) {
        byType.put(
            type,
            Counter.builder("travelwatch_events_ingested")
                .description("Events durably stored, by source (api, crew, tracker) and type")
                .tag("source", source.wireName())
                .tag("type", type.wireName())
                .register(registry));
      }
      ingested.put(source, byType);
    }
    batchRows =
        DistributionSummary.builder("travelwatch_ingest_batch_rows")
            .description("Rows written by one group commit")
            .serviceLevelObjectives(1, 10, 50, 100, 250, 500, 1000, 2000)
            .register(registry);
    commit =
        Timer.builder("travelwatch_ingest_commit")
            .description("Time to write and commit one group of events")
            .publishPercentileHistogram()
            .register(registry);
    Gauge.builder("travelwatch_ingest_in_flight_requests", inFlight, AtomicInteger::get)
        .description("Event requests being handled now")
        .register(registry);
  }

  void stored(Source source, EventType type) {
    ingested.get(source).get(type).increment();
  }

  void batch(int rows, long nanos) {
    batchRows.record(rows);
    commit.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Counts the request while it runs, and its rejection reason when it ends with an error. */
  public void track(RoutingContext ctx) {
    inFlight.incrementAndGet();
    ctx.addEndHandler(
        v -> {
          inFlight.decrementAndGet();
          int status = ctx.response().getStatusCode();
          if (status >= 400) {
            rejected(reason(status));
          }
        });
    ctx.next();
  }

  private void rejected(String reason) {
    rejected
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("travelwatch_events_rejected")
                    .description("Event requests refused, by reason")
                    .tag("reason", r)
                    .register(registry))
        .increment();
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "invalid";
      case 401 -> "unauthenticated";
      case 403 -> "forbidden";
      case 409 -> "conflict";
      case 413 -> "too_large";
      case 415 -> "not_json";
      case 429 -> "rate_limited";
      case 503 -> "unavailable";
      default -> "error";
    };
  }
}
