package travelwatch.alert;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Open alerts by type and severity, read from the store now and every few seconds after. */
public final class AlertMetrics extends VerticleBase {
  private final MeterRegistry registry;
  private final Pool pool;
  private final long everyMillis;
  private final Map<String, AtomicLong> open = new ConcurrentHashMap<>();
  private long timer = -1;

  public AlertMetrics(MeterRegistry registry, Pool pool, long everyMillis) {
    this.registry = registry;
    this.pool = pool;
    this.everyMillis = everyMillis;
    for (AlertType type : AlertType.values()) {
      gauge(type.wireName(), type.severity().wireName());
    }
  }

  private AtomicLong gauge(String type, String severity) {
    return open.computeIfAbsent(
        type + "|" + severity,
        k -> {
          AtomicLong n = new AtomicLong();
          Gauge.builder("travelwatch_alerts_open", n, AtomicLong::get)
              .description("Alerts not yet resolved, by type and severity")
              .tag("type", type)
              .tag("severity", severity)
              .register(registry);
          return n;
        });
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(0, everyMillis, t -> refresh());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void refresh() {
    pool.query(AlertSql.OPEN_BY_TYPE)
        .execute()
        .onSuccess(
            rows -> {
              open.values().forEach(n -> n.set(0));
              rows.forEach(r -> gauge(r.getString(0), r.getString(1)).set(r.getLong(2)));
            });
  }
}
