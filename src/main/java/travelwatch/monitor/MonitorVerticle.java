package travelwatch.monitor;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import travelwatch.alert.AlertStore;
import travelwatch.alert.AlertStore.ActiveKey;
import travelwatch.config.MonitorSettings;
import travelwatch.ingest.CommittedEvents;
import travelwatch.ingest.EventHandOff;
import travelwatch.ingest.IntakeWatermark;
import travelwatch.ingest.ShardDirectory;
import travelwatch.live.LiveEvents;
import travelwatch.live.LiveEvents.LiveEvent;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanRoutes;
import travelwatch.plan.PlanStore;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.cluster.ShardOwnership;

/**
 * Runs the monitors of the shards this node owns. Runs are split into {@code shards} shards by run
 * id; shard number {@code shards} is the council-wide one (calls, incidents without a run). {@link
 * ShardOwnership} decides which this node owns; for each shard it takes, the verticle listens on
 * the shard's event-bus address (buffering), rebuilds the shard's state by replaying the service
 * day from the store, then applies what arrived meanwhile and follows the bus; shortly after, it
 * reads the shard's newest stored events once more, for any the bus did not bring (events are
 * idempotent, so reading one twice changes nothing). Everything happens on this verticle's event
 * loop, one step after another, so the plain-Java monitors need no locks; each step's alerts and
 * run states are stored before the next step starts.
 */
public final class MonitorVerticle extends VerticleBase implements ShardOwnership.Shards {
  private static final Logger log = LoggerFactory.getLogger(MonitorVerticle.class);

  /**
   * How far before the newest stored event a catch-up reads: events still being written when a
   * shard was replayed may have lower sequence numbers (a few group writes per node).
   */
  static final long CATCH_UP_MARGIN = 20_000;

  /** The stream sends a run's position at most this often (service clock). */
  static final Duration POSITION_EVERY = Duration.ofSeconds(5);

  /** When, after a shard is taken, its newest events are read again from the store. */
  private static final long[] CATCH_UP_AFTER_MILLIS = {2_000, 8_000};

  /** Where nodes tell each other the oldest of their hand-offs in flight, and how often. */
  static final String WATERMARK_ADDRESS = "travelwatch.intake.watermark";

  private static final long MARK_EVERY_MILLIS = 200;

  /**
   * At most one step of events begins in {@code monitorGatherMs} unless this many are waiting:
   * events that come in sooner wait for the rest of it, and a quiet moment's event is applied at
   * once. Each step stores its runs in one transaction and answers its hand-offs; events from
   * several senders (every writer of every node, in a cluster, each waiting for its answer) would
   * otherwise come a few to a step, each step paying its round trips for a handful of events.
   */
  static final int STEP_EVENTS = 128;

  private final ServiceClock time;
  private final Clock clock;
  private final ZoneId zone;
  private final MonitorSettings settings;
  private final Duration tickEvery;
  private final long gatherMillis;
  private final int shards;
  private final int global;
  private final PlanStore plans;
  private final MonitorStore store;
  private final AlertStore alerts;
  private final MonitorMetrics metrics;
  private final ShardOwnership ownership;
  private final IntakeWatermark watermark;
  private final ShardDirectory directory;
  private final String node = UUID.randomUUID().toString();

  /** Where events for any of this node's ready shards may come together (see EventHandOff). */
  private final String inbox = EventHandOff.INBOX_ADDRESS + node;

  private long marker = -1;

  /** The monitors of the shards this node owns and has rebuilt. */
  private final Map<Integer, Monitor> monitors = new TreeMap<>();

  /** Shards this node owns (rebuilt or being rebuilt). */
  private final Set<Integer> assigned = new TreeSet<>();

  /** Bus messages of shards being rebuilt, applied once the rebuild is done. */
  private final Map<Integer, List<Message<CommittedEvents>>> buffered = new HashMap<>();

  private final Map<Integer, MessageConsumer<CommittedEvents>> consumers = new HashMap<>();
  private final List<MessageConsumer<?>> shared = new ArrayList<>();
  private Future<Void> last = Future.succeededFuture();
  private List<CommittedEvents> incoming = new ArrayList<>();

  /** The requests among {@code incoming}, answered once their step has stored its outcome. */
  private List<Message<CommittedEvents>> toAnswer = new ArrayList<>();

  private boolean drainScheduled;

  /** Events among {@code incoming}. */
  private int incomingEvents;

  /** The timer of a step waiting for more events, or -1. */
  private long gathering = -1;

  /** When the last step of events began ({@link System#nanoTime}). */
  private long lastStepNanos;

  private LocalDate serviceDate;
  private long ticker = -1;
  private final Set<Long> catchUps = new HashSet<>();

  /** Runs whose newest position the stream has not carried yet. */
  private final Map<String, RunState> positionsDue = new LinkedHashMap<>();

  /** Per run: when (service-clock millis) the stream last carried its position, and which fix. */
  private final Map<String, long[]> positionsSent = new HashMap<>();

  /** The service day {@link #positionsSent} is about. */
  private LocalDate positionsDay;

  public MonitorVerticle(
      ServiceClock time,
      MonitorSettings settings,
      Duration tickEvery,
      Duration gather,
      int shards,
      PlanStore plans,
      MonitorStore store,
      AlertStore alerts,
      MonitorMetrics metrics,
      ShardOwnership ownership,
      IntakeWatermark watermark,
      ShardDirectory directory) {
    this.time = time;
    this.clock = time.clock();
    this.zone = time.zone();
    this.settings = settings;
    this.tickEvery = tickEvery;
    this.gatherMillis = gather.toMillis();
    this.lastStepNanos = System.nanoTime() - gather.toNanos();
    this.shards = shards;
    this.global = shards;
    this.plans = plans;
    this.store = store;
    this.alerts = alerts;
    this.metrics = metrics;
    this.ownership = ownership;
    this.watermark = watermark;
    this.directory = directory;
  }

  /** Shards to own: the run shards and the council-wide one. */
  public static int units(int shards) {
    return shards + 1;
  }

  @Override
  public Future<?> start() {
    serviceDate = today();
    // Crew facts matter to every shard's rules: every node listens.
    MessageConsumer<CommittedEvents> crew =
        vertx.eventBus().consumer(EventHandOff.CREW_ADDRESS, m -> enqueue(m.body()));
    // A new plan (or a changed one) means new runs to watch: rebuild from the store.
    MessageConsumer<Object> planChanged =
        vertx
            .eventBus()
            .consumer(PlanRoutes.PLAN_CHANGED, m -> rebuildLater(new TreeSet<>(assigned), today()));
    // Each node tells the others how far its intake has reached the monitors.
    MessageConsumer<JsonObject> marks =
        vertx.eventBus().consumer(WATERMARK_ADDRESS, m -> heard(m.body()));
    // Events for several of this node's shards in one message.
    MessageConsumer<CommittedEvents> atInbox =
        vertx.eventBus().consumer(inbox, this::receiveAtInbox);
    shared.add(crew);
    shared.add(planChanged);
    shared.add(marks);
    shared.add(atInbox);
    marker = vertx.setPeriodic(MARK_EVERY_MILLIS, t -> tellOthers());
    return Future.all(
            List.of(
                crew.completion(),
                planChanged.completion(),
                marks.completion(),
                atInbox.completion()))
        .compose(v -> ownership.start(vertx, this))
        .onSuccess(v -> ticker = vertx.setPeriodic(tickEvery.toMillis(), t -> step(this::tick)));
  }

  @Override
  public Future<Void> take(Set<Integer> taken) {
    assigned.addAll(taken);
    List<Future<Void>> listening = new ArrayList<>();
    for (int shard : taken) {
      buffered.putIfAbsent(shard, new ArrayList<>());
      if (!consumers.containsKey(shard)) {
        MessageConsumer<CommittedEvents> consumer =
            vertx
                .eventBus()
                .consumer(EventHandOff.addressOf(shard, shards), m -> receive(shard, m));
        consumers.put(shard, consumer);
        listening.add(consumer.completion());
      }
    }
    return Future.all(listening).compose(v -> rebuildLater(taken, today()));
  }

  @Override
  public Future<Void> release(Set<Integer> released) {
    lost(released);
    stepNow();
    return step(Future::succeededFuture); // done once the steps already queued are
  }

  /** A step waiting out its window begins now. */
  private void stepNow() {
    if (gathering >= 0 && vertx.cancelTimer(gathering)) {
      gathering = -1;
      step(this::drain);
    }
  }

  @Override
  public void lost(Set<Integer> gone) {
    for (int shard : gone) {
      assigned.remove(shard);
      monitors.remove(shard);
      List<Message<CommittedEvents>> dropped = buffered.remove(shard);
      if (dropped != null) {
        dropped.forEach(m -> m.reply(null)); // the new owner reads them from the store
      }
      MessageConsumer<CommittedEvents> consumer = consumers.remove(shard);
      if (consumer != null) {
        consumer.unregister();
      }
    }
    directory.heard(inbox, readyShards()); // this node's hand-offs stop sending them here at once
  }

  private void receive(int shard, Message<CommittedEvents> message) {
    List<Message<CommittedEvents>> waiting = buffered.get(shard);
    if (waiting != null) {
      waiting.add(message); // rebuild in progress: apply once it is done
    } else if (monitors.containsKey(shard)) {
      enqueue(message.body(), message);
    } else {
      message.reply(null); // not ours: the owner reads it from the store
    }
  }

  /**
   * Events for any of this node's shards: applied like a shard's message when every one of their
   * shards is ready here, else turned away (the hand-off then sends them to each shard's address).
   */
  private void receiveAtInbox(Message<CommittedEvents> message) {
    for (CommittedEvents.Committed c : message.body().events()) {
      int shard = EventHandOff.shardOf(c, shards);
      if (!ready(shard)) {
        message.fail(EventHandOff.NOT_HERE, "shard " + shard + " is not monitored here");
        return;
      }
    }
    enqueue(message.body(), message);
  }

  /** Whether this node monitors {@code shard} and has rebuilt it. */
  private boolean ready(int shard) {
    return monitors.containsKey(shard) && !buffered.containsKey(shard);
  }

  private List<Integer> readyShards() {
    List<Integer> ready = new ArrayList<>();
    for (int shard : monitors.keySet()) {
      if (ready(shard)) {
        ready.add(shard);
      }
    }
    return ready;
  }

  private void enqueue(CommittedEvents events) {
    enqueue(events, null);
  }

  /**
   * Events that arrive while a step runs, or while the next waits out its window, are applied
   * together in the next one; a request is answered once that step has stored what its events
   * changed.
   */
  private void enqueue(CommittedEvents events, Message<CommittedEvents> request) {
    incoming.add(events);
    incomingEvents += events.events().size();
    if (request != null) {
      toAnswer.add(request);
    }
    if (drainScheduled) {
      if (incomingEvents >= STEP_EVENTS) {
        stepNow(); // enough for a step: no need to wait longer
      }
      return;
    }
    drainScheduled = true;
    long sinceLast = (System.nanoTime() - lastStepNanos) / 1_000_000;
    if (incomingEvents >= STEP_EVENTS || sinceLast >= gatherMillis) {
      step(this::drain);
    } else {
      gathering =
          vertx.setTimer(
              gatherMillis - sinceLast,
              t -> {
                gathering = -1;
                step(this::drain);
              });
    }
  }

  /** One step for every event that came in since the last: applied, stored, then answered. */
  private Future<Void> drain() {
    drainScheduled = false;
    lastStepNanos = System.nanoTime();
    List<CommittedEvents> batch = incoming;
    List<Message<CommittedEvents>> answers = toAnswer;
    incoming = new ArrayList<>();
    toAnswer = new ArrayList<>();
    metrics.stepped(incomingEvents);
    incomingEvents = 0;
    return apply(batch).onComplete(done -> answers.forEach(m -> m.reply(null)));
  }

  private LocalDate today() {
    return time.today();
  }

  /** Runs steps one after another on this event loop; the future is this step's outcome. */
  private Future<Void> step(Supplier<Future<Void>> work) {
    Future<Void> done = last.transform(ignored -> work.get());
    last =
        done.recover(
            e -> {
              log.error("Monitor step failed", e);
              return Future.succeededFuture();
            });
    return done;
  }

  private Future<Void> rebuildLater(Set<Integer> wanted, LocalDate date) {
    wanted.forEach(s -> buffered.putIfAbsent(s, new ArrayList<>()));
    return step(() -> rebuild(wanted, date));
  }

  /**
   * Loads the day's plan, replays the shards' events, and raises what is true now but not yet
   * raised; then applies what the bus brought meanwhile.
   */
  private Future<Void> rebuild(Set<Integer> requested, LocalDate date) {
    Set<Integer> wanted = new TreeSet<>(requested);
    wanted.retainAll(assigned);
    if (wanted.isEmpty()) {
      return Future.succeededFuture();
    }
    long started = System.nanoTime();
    long[] latest = {0};
    Map<Integer, Monitor> built = new TreeMap<>();
    return store
        .latestSeq()
        .compose(
            seq -> {
              latest[0] = seq;
              return plans.read(date, date);
            })
        .compose(
            plan -> {
              built.putAll(monitorsFor(wanted, plan, date));
              return alerts.activeKeys(date);
            })
        .compose(
            keys -> {
              Map<Integer, List<String>> byShard = new HashMap<>();
              for (ActiveKey k : keys) {
                byShard
                    .computeIfAbsent(shardOfRun(k.runId()), s -> new ArrayList<>())
                    .add(k.dedupKey());
              }
              built.forEach((s, m) -> m.alreadyRaised(byShard.getOrDefault(s, List.of())));
              return store.replay(date, runIds(built.values()), built.containsKey(global), 0);
            })
        .compose(
            events ->
                // What the replay finds (runs' states, conditions not yet raised) is stored like
                // any other step's outcome.
                persist(applyTo(built, events), null))
        .compose(
            v -> {
              built.keySet().retainAll(assigned); // lost while rebuilding: not ours any more
              monitors.putAll(built);
              positionsDue.clear(); // the rebuilt runs' states are new objects
              if (!date.equals(positionsDay)) {
                positionsSent.clear(); // the day before's runs send no more
                positionsDay = date;
              }
              serviceDate = date;
              List<Monitor.Changes> first = new ArrayList<>();
              List<String> stale = new ArrayList<>();
              built
                  .values()
                  .forEach(
                      m -> {
                        first.add(m.tick(watermark.effective(clock.instant())));
                        stale.addAll(m.staleRaised());
                      });
              return persist(Monitor.Changes.combine(first), null)
                  .compose(x -> alerts.clearKeys(stale))
                  .compose(this::publish);
            })
        .onComplete(
            done -> {
              for (int shard : wanted) {
                List<Message<CommittedEvents>> pending = buffered.remove(shard);
                if (pending != null) {
                  if (monitors.containsKey(shard)) {
                    pending.forEach(m -> enqueue(m.body(), m));
                  } else {
                    pending.forEach(m -> m.reply(null));
                  }
                }
              }
            })
        .onSuccess(
            v -> {
              log.info(
                  "Monitoring shards {} for {}: {} runs, rebuilt in {} ms",
                  built.keySet(),
                  date,
                  built.values().stream().mapToInt(m -> m.runs().size()).sum(),
                  (System.nanoTime() - started) / 1_000_000);
              Set<Integer> rebuilt = new TreeSet<>(built.keySet());
              long from = Math.max(1, latest[0] - CATCH_UP_MARGIN);
              for (long after : CATCH_UP_AFTER_MILLIS) {
                catchUps.add(
                    vertx.setTimer(
                        after,
                        t -> {
                          catchUps.remove(t);
                          step(() -> catchUp(rebuilt, date, from));
                        }));
              }
            });
  }

  /** One monitor per shard: its runs of the day (none for the council-wide shard). */
  private Map<Integer, Monitor> monitorsFor(Set<Integer> wanted, Plan plan, LocalDate date) {
    Map<Integer, List<RunPlan>> runsByShard = new HashMap<>();
    for (RunPlan run : RunPlans.of(plan, date, zone, settings)) {
      int shard = EventHandOff.shardOf(run.id(), shards);
      if (wanted.contains(shard)) {
        runsByShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(run);
      }
    }
    Map<Integer, Monitor> built = new TreeMap<>();
    for (int shard : wanted) {
      CrewRegistry crew = new CrewRegistry();
      plan.crew().forEach(crew::register);
      built.put(
          shard,
          new Monitor(
              date,
              zone,
              runsByShard.getOrDefault(shard, List.of()),
              crew,
              shard == global,
              settings));
    }
    return built;
  }

  private static List<String> runIds(Collection<Monitor> monitors) {
    List<String> ids = new ArrayList<>();
    monitors.forEach(m -> m.runs().forEach(r -> ids.add(r.plan().id())));
    return ids;
  }

  /** Reads again what was stored since just before the rebuild, for what the bus did not bring. */
  private Future<Void> catchUp(Set<Integer> rebuilt, LocalDate date, long after) {
    Map<Integer, Monitor> current = new TreeMap<>();
    for (int shard : rebuilt) {
      Monitor m = monitors.get(shard);
      if (m != null && m.serviceDate().equals(date)) {
        current.put(shard, m);
      }
    }
    if (current.isEmpty()) {
      return Future.succeededFuture();
    }
    return store
        .replay(date, runIds(current.values()), current.containsKey(global), after)
        .compose(events -> persist(applyTo(current, events), null));
  }

  private int shardOfRun(String runId) {
    return runId == null ? global : EventHandOff.shardOf(runId, shards);
  }

  /** Hands each event to its shard's monitor (crew facts to all of them) and applies them. */
  private Monitor.Changes applyTo(Map<Integer, Monitor> targets, List<Observation> events) {
    Map<Integer, List<Observation>> byShard = new HashMap<>();
    for (Observation o : events) {
      if (o.runId() == null && isCrewFact(o)) {
        for (int shard : targets.keySet()) {
          byShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(o);
        }
      } else {
        int shard = shardOfRun(o.runId());
        if (targets.containsKey(shard)) {
          byShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(o);
        }
      }
    }
    Instant now = watermark.effective(clock.instant());
    List<Monitor.Changes> changes = new ArrayList<>();
    byShard.forEach((shard, list) -> changes.add(targets.get(shard).apply(list, now)));
    return Monitor.Changes.combine(changes);
  }

  private static boolean isCrewFact(Observation o) {
    return o instanceof Observation.DbsChecked
        || o instanceof Observation.BadgeUpdated
        || o instanceof Observation.CrewCleared;
  }

  private Future<Void> apply(List<CommittedEvents> messages) {
    List<Observation> events = new ArrayList<>();
    Instant received = Instant.EPOCH;
    for (CommittedEvents batch : messages) {
      for (CommittedEvents.Committed committed : batch.events()) {
        Observation o = ObservationCodec.decode(committed);
        events.add(o);
        if (o.meta().receivedAt().isAfter(received)) {
          received = o.meta().receivedAt();
        }
      }
    }
    Monitor.Changes changes = applyTo(monitors, events);
    for (RunState run : changes.changedRuns()) {
      long[] sent = positionsSent.get(run.plan().id());
      if (run.positionAt != 0 && (sent == null || sent[1] != run.positionAt)) {
        positionsDue.put(run.plan().id(), run);
      }
    }
    return persist(changes, received).onSuccess(v -> sendPositions());
  }

  /**
   * Sends on the stream the new positions of runs whose last one went {@link #POSITION_EVERY} ago
   * or more; the others wait for a later step. Positions are not stored in the stream's log: a
   * client that reconnects reads them from {@code GET /api/v1/positions}.
   */
  private void sendPositions() {
    long now = clock.millis();
    List<LiveEvent> due = new ArrayList<>();
    var it = positionsDue.values().iterator();
    while (it.hasNext()) {
      RunState run = it.next();
      long[] sent = positionsSent.get(run.plan().id());
      if (sent != null && now - sent[0] < POSITION_EVERY.toMillis()) {
        continue;
      }
      it.remove();
      positionsSent.put(run.plan().id(), new long[] {now, run.positionAt});
      RunPlan p = run.plan();
      due.add(
          new LiveEvent(
              0,
              "position",
              RunJson.positionEntry(
                  p.id(),
                  p.operatorId(),
                  p.schoolId(),
                  run.status().wireName(),
                  Eta.minutesLate(run, settings),
                  RunRules.feedSilent(run, settings, clock.instant()),
                  new RunView.Position(run.lat, run.lon, RunState.instant(run.positionAt)),
                  zone)));
    }
    LiveEvents.publish(vertx.eventBus(), due);
  }

  private Future<Void> tick() {
    LocalDate today = today();
    if (!today.equals(serviceDate)) {
      serviceDate = today;
      return rebuild(new TreeSet<>(assigned), today);
    }
    // Deadlines are judged up to the watermark: never past an event still on its way here.
    Instant now = watermark.effective(clock.instant());
    List<Monitor.Changes> changes = new ArrayList<>();
    monitors.values().forEach(m -> changes.add(m.tick(now)));
    return persist(Monitor.Changes.combine(changes), null)
        .onSuccess(
            v -> {
              metrics.observe(monitors.values(), monitors.get(global), now);
              sendPositions();
            });
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

  /**
   * Tells every node (this one too) how far this node's intake has reached the monitors, and which
   * shards its monitor is ready for, at which inbox.
   */
  private void tellOthers() {
    List<Integer> ready = readyShards();
    directory.heard(inbox, ready);
    JsonObject mark =
        new JsonObject().put("node", node).put("inbox", inbox).put("shards", new JsonArray(ready));
    watermark.oldestHere().ifPresent(t -> mark.put("oldest", t.toEpochMilli()));
    vertx.eventBus().publish(WATERMARK_ADDRESS, mark);
  }

  private void heard(JsonObject mark) {
    String from = mark.getString("node");
    if (!node.equals(from)) {
      Long oldest = mark.getLong("oldest");
      watermark.heard(
          from, oldest == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest)));
      JsonArray ready = mark.getJsonArray("shards");
      String theirs = mark.getString("inbox");
      if (ready != null && theirs != null) {
        directory.heard(theirs, ready.stream().map(n -> ((Number) n).intValue()).toList());
      }
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(ticker);
    vertx.cancelTimer(marker);
    stepNow(); // what came in is applied and answered, not left to time out
    directory.forget(inbox);
    catchUps.forEach(vertx::cancelTimer);
    catchUps.clear();
    return ownership
        .stop()
        .eventually(
            () -> {
              List<Future<Void>> done = new ArrayList<>();
              shared.forEach(c -> done.add(c.unregister()));
              consumers.values().forEach(c -> done.add(c.unregister()));
              return Future.join(done);
            });
  }
}
