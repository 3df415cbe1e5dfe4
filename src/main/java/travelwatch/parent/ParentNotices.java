package travelwatch.parent;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import travelwatch.live.LiveEvents;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.jobs.JobHealth;

/**
 * Looks for the notices parents are owed, every few seconds and at once when a run changes status
 * (a cancellation goes out within a second or two): each confirmed subscription's journeys of the
 * day against what it has been told. Each notice is recorded and its email written to the outbox in
 * one transaction, and recorded once however many nodes look; a pass that fails is tried again at
 * the next ({@code parent_notices} in the health's jobs).
 */
public final class ParentNotices extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ParentNotices.class);

  private final ParentStore store;
  private final ParentLetters letters;
  private final JourneyNotices rules;
  private final ServiceClock time;
  private final Duration every;
  private final JobHealth.Job job;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private MessageConsumer<JsonObject> runChanges;
  private long timer = -1;

  ParentNotices(
      ParentStore store,
      ParentLetters letters,
      JourneyNotices rules,
      ServiceClock time,
      Duration every,
      JobHealth jobs) {
    this.store = store;
    this.letters = letters;
    this.rules = rules;
    this.time = time;
    this.every = every;
    this.job = jobs.job("parent_notices");
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(every.toMillis(), id -> pass());
    runChanges =
        vertx
            .eventBus()
            .<JsonObject>consumer(LiveEvents.ADDRESS)
            .handler(
                m -> {
                  if ("run".equals(m.body().getString("kind"))) {
                    pass();
                  }
                });
    return runChanges.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return runChanges.unregister();
  }

  /** One pass, or, if one is running, another straight after it. */
  Future<Void> pass() {
    if (!running.compareAndSet(false, true)) {
      again.set(true);
      return Future.succeededFuture();
    }
    return job.<Integer>run(this::sendDue)
        .onSuccess(
            sent -> {
              if (sent > 0) {
                log.info("{} notice(s) to parents written to the outbox", sent);
              }
            })
        .onFailure(e -> log.warn("Parents' notices not sent; trying again: {}", e.toString()))
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

  private Future<Integer> sendDue() {
    Instant now = time.now();
    return store
        .subscribedJourneys(time.today(), now)
        .compose(
            subscribed -> {
              List<Long> links = new ArrayList<>();
              subscribed.forEach(s -> links.add(s.linkId()));
              return store.noticesSent(links).compose(sent -> send(subscribed, sent, now));
            });
  }

  private Future<Integer> send(
      List<ParentStore.Subscribed> subscribed,
      Map<String, List<JourneyNotices.Notice>> sent,
      Instant now) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (ParentStore.Subscribed s : subscribed) {
      Journey journey = s.journey();
      List<JourneyNotices.Notice> told =
          sent.getOrDefault(ParentStore.noticeKey(s.linkId(), journey.runId()), List.of());
      for (JourneyNotices.Notice notice : rules.due(journey, s.wanted(), told, now)) {
        chain =
            chain.compose(
                count ->
                    store
                        .sendNotice(
                            s.linkId(),
                            journey.runId(),
                            notice,
                            now,
                            (linkId, to, unsubscribe) ->
                                letters.notice(
                                    linkId, to, s.pupilId(), journey, notice, unsubscribe, now))
                        .map(written -> written ? count + 1 : count));
      }
    }
    return chain;
  }
}
