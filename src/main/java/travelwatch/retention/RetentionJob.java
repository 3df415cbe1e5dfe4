package travelwatch.retention;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import travelwatch.audit.AuditStore;
import travelwatch.config.RetentionConfig;
import travelwatch.parent.Parents;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.jobs.JobHealth;

/**
 * The retention job ({@code retention} on {@code /health/ready}), on every node: at start it makes
 * the event store's partitions of the days and months ahead, so events always land in theirs; then
 * every {@code every} it makes any that fell due and, the first time each service day, removes what
 * is kept no longer (once per cluster, see {@link RetentionStore}).
 */
public final class RetentionJob extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

  private final RetentionStore store;
  private final RetentionConfig limits;
  private final ServiceClock time;
  private final JobHealth.Job job;
  private final Duration every;
  private final AtomicBoolean running = new AtomicBoolean();
  private long timer = -1;

  RetentionJob(
      RetentionStore store,
      RetentionConfig limits,
      ServiceClock time,
      JobHealth jobs,
      Duration every) {
    this.store = store;
    this.limits = limits;
    this.time = time;
    this.job = jobs.job("retention");
    this.every = every;
  }

  /** The job of a server: checks every quarter of an hour. */
  public static RetentionJob create(
      RetentionConfig limits,
      ServiceClock time,
      Pool pool,
      Parents parents,
      AuditStore audit,
      JobHealth jobs) {
    return new RetentionJob(
        new RetentionStore(
            pool, parents::forgetEnded, before -> audit.forgetBefore(before).map(n -> (long) n)),
        limits,
        time,
        jobs,
        Duration.ofMinutes(15));
  }

  /** Makes the partitions due now (a failure is logged, and tried again at the first check). */
  @Override
  public Future<?> start() {
    return store
        .makePartitions(time.today())
        .onSuccess(made -> logMade(made))
        .onFailure(e -> log.warn("Event store partitions not made at start: {}", e.toString()))
        .otherwiseEmpty()
        .onComplete(v -> timer = vertx.setPeriodic(1, every.toMillis(), id -> check()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** One check; a check still running when the next is due makes that one a no-op. */
  Future<Optional<RetentionStore.Removed>> check() {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture(Optional.empty());
    }
    Instant now = time.now();
    LocalDate today = time.dateOf(now);
    return job.<Optional<RetentionStore.Removed>>run(
            () ->
                store
                    .makePartitions(today)
                    .onSuccess(this::logMade)
                    .compose(
                        made -> store.passIfDue(today, RetentionDates.on(today, now, limits), now)))
        .onSuccess(
            removed -> removed.ifPresent(r -> log.info("Retention pass of {}: {}", today, r)))
        .eventually(
            () -> {
              running.set(false);
              return Future.succeededFuture();
            });
  }

  private void logMade(int made) {
    if (made > 0) {
      log.info("Made {} partition(s) of the event store ahead", made);
    }
  }
}
