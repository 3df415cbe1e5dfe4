package travelwatch.monitor;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import travelwatch.alert.AlertStore;
import travelwatch.alert.LiveEvents;
import travelwatch.alert.LiveEvents.LiveEvent;
import travelwatch.ingest.EventHandOff;
import travelwatch.plan.PlanRoutes;
import travelwatch.plan.PlanStore;

/**
 * Runs the monitors of this node: rebuilds the service day's state by replaying the store, then
 * follows committed events from the event bus and ticks for the deadline rules. Everything happens
 * on this verticle's event loop, one step after another, so the plain-Java monitor needs no locks;
 * each step's alerts and run states are stored before the next step starts.
 */
public final class MonitorVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MonitorVerticle.class);

  private final Clock clock;
  private final ZoneId zone;
  private final MonitorSettings settings;
  private final Duration tickEvery;
  private final int shards;
  private final PlanStore plans;
  private final MonitorStore store;
  private final AlertStore alerts;
  private final MonitorMetrics metrics;

  private Monitor monitor;
  private Future<Void> last = Future.succeededFuture();
  private final List<MessageConsumer<JsonArray>> consumers = new ArrayList<>();
  private List<JsonArray> buffered = new ArrayList<>();
  private List<JsonArray> incoming = new ArrayList<>();
  private boolean drainScheduled;
  private long ticker = -1;

  public MonitorVerticle(
      Clock clock,
      ZoneId zone,
      MonitorSettings settings,
      Duration tickEvery,
      int shards,
      PlanStore plans,
      MonitorStore store,
      AlertStore alerts,
      MonitorMetrics metrics) {
    this.clock = clock;
    this.zone = zone;
    this.settings = settings;
    this.tickEvery = tickEvery;
    this.shards = shards;
    this.plans = plans;
    this.store = store;
    this.alerts = alerts;
    this.metrics = metrics;
  }

  /** The monitor of the current service day (read on this verticle's event loop only). */
  public Monitor monitor() {
    return monitor;
  }

  @Override
  public Future<?> start() {
    List<Future<Void>> registered = new ArrayList<>();
    for (int shard = 0; shard < shards; shard++) {
      registered.add(follow(EventHandOff.SHARD_ADDRESS + shard));
    }
    registered.add(follow(EventHandOff.GLOBAL_ADDRESS));
    // A new plan (or a changed one) means new runs to watch: rebuild from the store.
    MessageConsumer<Object> planChanged =
        vertx.eventBus().consumer(PlanRoutes.PLAN_CHANGED, m -> step(() -> rebuild(today())));
    registered.add(planChanged.completion());
    return Future.all(registered)
        .compose(v -> rebuild(today()))
        .onSuccess(v -> ticker = vertx.setPeriodic(tickEvery.toMillis(), t -> step(this::tick)));
  }

  private Future<Void> follow(String address) {
    MessageConsumer<JsonArray> consumer =
        vertx
            .eventBus()
            .consumer(
                address,
                message -> {
                  if (buffered != null) {
                    buffered.add(message.body()); // replay in progress: apply once it is done
                  } else {
                    enqueue(message.body());
                  }
                });
    consumers.add(consumer);
    return consumer.completion();
  }

  /** Events that arrive while a step runs are applied together in the next one. */
  private void enqueue(JsonArray events) {
    incoming.add(events);
    if (!drainScheduled) {
      drainScheduled = true;
      step(
          () -> {
            drainScheduled = false;
            List<JsonArray> batch = incoming;
            incoming = new ArrayList<>();
            return apply(batch);
          });
    }
  }

  private LocalDate today() {
    return clock.instant().atZone(zone).toLocalDate();
  }

  /** Runs steps one after another on this event loop. */
  private void step(java.util.function.Supplier<Future<Void>> work) {
    last =
        last.transform(ignored -> work.get()).onFailure(e -> log.error("Monitor step failed", e));
  }

  /** Loads the day's plan, replays its events, and raises what is true now but not yet raised. */
  private Future<Void> rebuild(LocalDate date) {
    long started = System.nanoTime();
    buffered = buffered == null ? new ArrayList<>() : buffered;
    return plans
        .read(date, date)
        .compose(
            plan -> {
              CrewRegistry crew = new CrewRegistry();
              plan.crew().forEach(crew::register);
              Monitor next =
                  new Monitor(
                      date, zone, RunPlans.of(plan, date, zone, settings), crew, true, settings);
              return alerts
                  .activeKeys(date)
                  .map(
                      keys -> {
                        next.alreadyRaised(keys);
                        return next;
                      });
            })
        .compose(
            next ->
                store
                    .replay(date)
                    .compose(
                        events ->
                            // What the replay finds (runs' states, conditions not yet raised) is
                            // stored like any other step's outcome.
                            persist(next.apply(events, clock.instant()), null).map(next)))
        .compose(
            next -> {
              monitor = next;
              Monitor.Changes first = next.tick(clock.instant());
              return persist(first, null)
                  .compose(v -> alerts.clearKeys(next.staleRaised()))
                  .compose(this::publish);
            })
        .onSuccess(
            v -> {
              List<JsonArray> pending = buffered;
              buffered = null;
              pending.forEach(this::enqueue);
              log.info(
                  "Monitor for {} ready: {} runs, rebuilt in {} ms",
                  date,
                  monitor.runs().size(),
                  (System.nanoTime() - started) / 1_000_000);
            });
  }

  private Future<Void> apply(List<JsonArray> messages) {
    List<Observation> events = new ArrayList<>();
    Instant received = Instant.EPOCH;
    for (JsonArray stored : messages) {
      for (int i = 0; i < stored.size(); i++) {
        Observation o = ObservationCodec.decode(stored.getJsonObject(i));
        events.add(o);
        if (o.meta().receivedAt().isAfter(received)) {
          received = o.meta().receivedAt();
        }
      }
    }
    return persist(monitor.apply(events, clock.instant()), received);
  }

  private Future<Void> tick() {
    if (!today().equals(monitor.serviceDate())) {
      return rebuild(today());
    }
    return persist(monitor.tick(clock.instant()), null)
        .onSuccess(v -> metrics.observe(monitor, clock.instant()));
  }

  private Future<Void> persist(Monitor.Changes changes, Instant eventsReceivedAt) {
    if (changes.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<List<LiveEvent>> runs =
        store.save(changes.changedRuns(), changes.statusChanges(), settings, clock.instant());
    return runs.compose(
            runEvents ->
                alerts
                    .record(changes.raised(), changes.updated(), changes.cleared())
                    .map(
                        alertEvents -> {
                          if (eventsReceivedAt != null && !changes.raised().isEmpty()) {
                            metrics.eventToAlert(
                                Duration.between(eventsReceivedAt, clock.instant()));
                          }
                          List<LiveEvent> all = new ArrayList<>(runEvents);
                          all.addAll(alertEvents);
                          return all;
                        }))
        .compose(this::publish);
  }

  private Future<Void> publish(List<LiveEvent> events) {
    LiveEvents.publish(vertx.eventBus(), events);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(ticker);
    List<Future<Void>> done = new ArrayList<>();
    consumers.forEach(c -> done.add(c.unregister()));
    return Future.join(done);
  }
}
