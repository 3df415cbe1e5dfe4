package travelwatch.platform.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.stream.LongStream;

/** The process's one meter registry, scraped by Prometheus at {@code /metrics}. */
public final class Metrics {
  /** Vert.x's timer of each HTTP response, by route, method and status. */
  private static final String HTTP_SERVER_RESPONSE_TIME = "vertx.http.server.response.time";

  /**
   * Buckets of the HTTP response time, in milliseconds: enough for latency quantiles by route
   * (ingest acknowledgements included) without a full percentile histogram on every route.
   */
  private static final long[] HTTP_BUCKETS_MS = {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000};

  private final PrometheusMeterRegistry registry;

  public Metrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Before any meter exists: Vert.x registers its timers on first use.
    registry.config().meterFilter(httpResponseBuckets());
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    // Time the JIT spent compiling: a JVM still compiling is not yet at its steady speed.
    new JvmCompilationMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  private static MeterFilter httpResponseBuckets() {
    double[] nanos =
        LongStream.of(HTTP_BUCKETS_MS).mapToDouble(ms -> Duration.ofMillis(ms).toNanos()).toArray();
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().equals(HTTP_SERVER_RESPONSE_TIME)) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .serviceLevelObjectives(nanos)
            .build()
            .merge(config);
      }
    };
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Vert.x's own metrics (HTTP server by route template, pools, event bus) into this registry. */
  public MicrometerMetricsFactory vertxFactory() {
    return new MicrometerMetricsFactory(registry);
  }

  public static MicrometerMetricsOptions vertxOptions() {
    // Per-message event-bus and per-socket TCP meters cost on every event and say nothing the
    // HTTP, pool and ingest meters do not.
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .addLabels(Label.HTTP_ROUTE, Label.POOL_NAME)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
        .addDisabledMetricsCategory(MetricsDomain.NET_SERVER)
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT);
  }

  public String scrape() {
    return registry.scrape();
  }
}
