package travelwatch.platform.jobs;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a job's pass every {@code every}, and when a message published on this node to {@code
 * address} matches {@code wakeOn} (at once, or at most once a second while such messages keep
 * coming): never two passes at a time (a pass asked for while one runs follows it). Each pass is
 * recorded as the job ({@link JobHealth}); a failed pass is logged and tried again at the next. The
 * pass answers how many things it did, logged when any.
 */
public final class Passes<T> extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(Passes.class);

  private final JobHealth.Job job;
  private final Duration every;
  private final String address;
  private final Predicate<T> wakeOn;
  private final Supplier<Future<Integer>> pass;
  private final String did;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private MessageConsumer<T> wake;
  private long timer = -1;
  private long lastWakePass = Long.MIN_VALUE / 2;
  private long wakeTimer = -1;

  /**
   * Woken passes run at most this often: at a busy morning's thousands of run changes a minute, one
   * pass a second sees them all, where a pass for each would spend the database on looking.
   */
  static final long WAKE_GAP_MILLIS = 1000;

  /** {@code did} says what a pass did, after its count: "notice(s) to parents written". */
  public Passes(
      JobHealth.Job job,
      Duration every,
      String address,
      Predicate<T> wakeOn,
      Supplier<Future<Integer>> pass,
      String did) {
    this.job = job;
    this.every = every;
    this.address = address;
    this.wakeOn = wakeOn;
    this.pass = pass;
    this.did = did;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(every.toMillis(), id -> pass());
    // Woken by this node's messages only: the node whose monitor changed a run runs the pass (every
    // node has one), so in a cluster nothing crosses between nodes to wake it.
    wake =
        vertx
            .eventBus()
            .<T>localConsumer(address)
            .handler(
                m -> {
                  if (wakeOn.test(m.body())) {
                    woken();
                  }
                });
    return wake.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(wakeTimer);
    return wake.unregister();
  }

  /** A pass now, or, within {@link #WAKE_GAP_MILLIS} of the last woken one, at the gap's end. */
  private void woken() {
    if (wakeTimer >= 0) {
      return; // one is already due
    }
    long wait = lastWakePass + WAKE_GAP_MILLIS - System.nanoTime() / 1_000_000;
    if (wait <= 0) {
      lastWakePass = System.nanoTime() / 1_000_000;
      pass();
      return;
    }
    wakeTimer =
        vertx.setTimer(
            wait,
            id -> {
              wakeTimer = -1;
              lastWakePass = System.nanoTime() / 1_000_000;
              pass();
            });
  }

  /** One pass, or, if one is running, another straight after it. */
  public Future<Void> pass() {
    if (!running.compareAndSet(false, true)) {
      again.set(true);
      return Future.succeededFuture();
    }
    return job.<Integer>run(pass)
        .onSuccess(
            done -> {
              if (done > 0) {
                log.info("{} {}", done, did);
              }
            })
        .onFailure(e -> log.warn("Job {} failed; trying again: {}", job, e.toString()))
        .<Void>mapEmpty()
        .otherwiseEmpty()
        .eventually(
            () -> {
              running.set(false);
              if (again.getAndSet(false)) {
                pass();
              }
              return Future.succeededFuture();
            });
  }
}
