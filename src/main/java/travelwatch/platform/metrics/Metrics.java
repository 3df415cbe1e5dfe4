package travelwatch.platform.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
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
    registry.config().meterFilter(baseUnitsOnly());
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    timesInSeconds(registry);
  }

  /**
   * Micrometer's processor meters that Prometheus's lint rejects: CPU time in nanoseconds (replaced
   * by {@link #timesInSeconds}) and a gauge named like a histogram's {@code _count}.
   */
  private static MeterFilter baseUnitsOnly() {
    return new MeterFilter() {
      @Override
      public MeterFilterReply accept(Meter.Id id) {
        return id.getName().equals("process.cpu.time") && "ns".equals(id.getBaseUnit())
            ? MeterFilterReply.DENY
            : MeterFilterReply.NEUTRAL;
      }

      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
      }
    };
  }

  /**
   * The JIT's and the process's CPU time, in seconds as Prometheus expects (Micrometer's own are in
   * ms and ns).
   */
  private static void timesInSeconds(MeterRegistry registry) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
      // A JVM still compiling is not yet at its steady speed (the benchmarks wait for it).
      FunctionCounter.builder(
              "jvm.compilation.time", jit, b -> b.getTotalCompilationTime() / 1_000.0)
          .tag("compiler", jit.getName())
          .description("The approximate accumulated elapsed time spent in compilation")
          .baseUnit("seconds")
          .register(registry);
    }
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, o -> Math.max(0, o.getProcessCpuTime()) / 1e9)
          .description("The CPU time used by the Java virtual machine process")
          .baseUnit("seconds")
          .register(registry);
    }
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
