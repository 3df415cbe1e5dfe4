package travelwatch.parent;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import travelwatch.live.LiveEvents;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.jobs.JobHealth;
import travelwatch.platform.jobs.Passes;

/**
 * Looks for the notices parents are owed, every few seconds and at once when a run changes status
 * (a cancellation goes out within a second or two): each confirmed subscription's journeys of the
 * day against what it has been told. Each notice is recorded and its email written to the outbox in
 * one transaction, and recorded once however many nodes look; a pass that fails is tried again at
 * the next ({@code parent_notices} in the health's jobs).
 */
final class ParentNotices {
  private final ParentStore store;
  private final ParentLetters letters;
  private final JourneyNotices rules;
  private final ServiceClock time;

  ParentNotices(ParentStore store, ParentLetters letters, JourneyNotices rules, ServiceClock time) {
    this.store = store;
    this.letters = letters;
    this.rules = rules;
    this.time = time;
  }

  /**
   * The job: a pass every {@code every} and at once on every run status change, recorded as {@code
   * parent_notices}.
   */
  Passes<LiveEvents.Published> job(Duration every, JobHealth jobs) {
    return new Passes<>(
        jobs.job("parent_notices"),
        every,
        LiveEvents.ADDRESS,
        message -> message.carries("run"),
        this::sendDue,
        "notice(s) to parents written to the outbox");
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
                            lately -> rules.due(journey, s.wanted(), lately, now).contains(notice),
                            (linkId, to, unsubscribe) ->
                                letters.notice(
                                    linkId, to, s.pupilId(), journey, notice, unsubscribe, now))
                        .map(written -> written ? count + 1 : count));
      }
    }
    return chain;
  }
}
