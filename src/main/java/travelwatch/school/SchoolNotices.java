package travelwatch.school;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import travelwatch.live.LiveEvents;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.jobs.JobHealth;
import travelwatch.platform.jobs.Passes;

/**
 * Emails school offices (those with an address in the plan) about their runs: late, cancelled, a
 * pupil dropped elsewhere. Looks every few seconds and at once when a run changes status; each
 * notice is recorded with its email in the outbox in one transaction, once however many nodes look
 * ({@code school_notices} in the health's jobs).
 */
final class SchoolNotices {
  private final SchoolStore store;
  private final SchoolLetters letters;
  private final RunNotices rules;
  private final ServiceClock time;

  SchoolNotices(SchoolStore store, SchoolLetters letters, RunNotices rules, ServiceClock time) {
    this.store = store;
    this.letters = letters;
    this.rules = rules;
    this.time = time;
  }

  /**
   * The job: a pass every {@code every} and at once on every run status change, recorded as {@code
   * school_notices}.
   */
  Passes<LiveEvents.Published> job(Duration every, JobHealth jobs) {
    return new Passes<>(
        jobs.job("school_notices"),
        every,
        LiveEvents.ADDRESS,
        message -> message.carries("run"),
        this::sendDue,
        "notice(s) to schools written to the outbox");
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
                            told -> rules.due(r.run(), told, now).contains(n),
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
                          told -> !told.contains(n),
                          letters.notice(d.about(), n, d.stopId(), now),
                          now)
                      .map(written -> written ? count + 1 : count));
    }
    return chain;
  }
}
