package travelwatch.school;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import travelwatch.live.LiveEvents;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.jobs.JobHealth;

/**
 * Emails school offices (those with an address in the plan) about their runs: late, cancelled, a
 * pupil dropped elsewhere. Looks every few seconds and at once when a run changes status; each
 * notice is recorded with its email in the outbox in one transaction, once however many nodes look
 * ({@code school_notices} in the health's jobs).
 */
public final class SchoolNotices extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SchoolNotices.class);

  private final SchoolStore store;
  private final SchoolLetters letters;
  private final RunNotices rules;
  private final ServiceClock time;
  private final Duration every;
  private final JobHealth.Job job;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private MessageConsumer<JsonObject> runChanges;
  private long timer = -1;

  SchoolNotices(
      SchoolStore store,
      SchoolLetters letters,
      RunNotices rules,
      ServiceClock time,
      Duration every,
      JobHealth jobs) {
    this.store = store;
    this.letters = letters;
    this.rules = rules;
    this.time = time;
    this.every = every;
    this.job = jobs.job("school_notices");
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
                log.info("{} notice(s) to schools written to the outbox", sent);
              }
            })
        .onFailure(e -> log.warn("Schools' notices not sent; trying again: {}", e.toString()))
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
    LocalDate today = time.today();
    Instant dayStart = today.atStartOfDay(time.zone()).toInstant();
    Future<List<SchoolStore.NoticeRun>> runs = store.noticeRuns(today);
    Future<List<SchoolStore.DroppedElsewhere>> dropped = store.droppedElsewhere(today);
    Future<Map<String, List<RunNotices.Notice>>> sent = store.noticesSent(dayStart);
    return Future.all(runs, dropped, sent)
        .compose(all -> send(runs.result(), dropped.result(), sent.result(), now));
  }

  private Future<Integer> send(
      List<SchoolStore.NoticeRun> runs,
      List<SchoolStore.DroppedElsewhere> dropped,
      Map<String, List<RunNotices.Notice>> sent,
      Instant now) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (SchoolStore.NoticeRun r : runs) {
      String key = SchoolStore.key(r.run().schoolId(), r.run().runId());
      for (RunNotices.Notice n : rules.due(r.run(), sent.getOrDefault(key, List.of()), now)) {
        chain =
            chain.compose(
                count ->
                    store
                        .send(
                            r.run().schoolId(),
                            r.run().runId(),
                            n,
                            letters.notice(r.about(), n, null, now),
                            now)
                        .map(written -> written ? count + 1 : count));
      }
    }
    for (SchoolStore.DroppedElsewhere d : dropped) {
      RunNotices.Notice n =
          new RunNotices.Notice(RunNotices.Kind.DROPPED_ELSEWHERE, d.pupilId(), 0);
      String key = SchoolStore.key(d.about().schoolId(), d.about().runId());
      if (sent.getOrDefault(key, List.of()).contains(n)) {
        continue;
      }
      chain =
          chain.compose(
              count ->
                  store
                      .send(
                          d.about().schoolId(),
                          d.about().runId(),
                          n,
                          letters.notice(d.about(), n, d.stopId(), now),
                          now)
                      .map(written -> written ? count + 1 : count));
    }
    return chain;
  }
}
