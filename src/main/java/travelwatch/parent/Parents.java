package travelwatch.parent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.time.Instant;
import travelwatch.access.ParentLinks;
import travelwatch.config.ParentConfig;
import travelwatch.live.LiveEvents;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.jobs.JobHealth;
import travelwatch.platform.jobs.Passes;

/**
 * The parents' capability: its routes, and the job that sends them notices (a verticle the server
 * deploys).
 */
public final class Parents {
  private final ParentRoutes routes;
  private final Passes<LiveEvents.Published> notices;
  private final ParentStore store;

  private Parents(ParentRoutes routes, Passes<LiveEvents.Published> notices, ParentStore store) {
    this.routes = routes;
    this.notices = notices;
    this.store = store;
  }

  public static Parents create(
      ParentConfig config,
      ServiceClock time,
      URI publicUrl,
      String mailDomain,
      Vertx vertx,
      Pool pool,
      ParentLinks links,
      JobHealth jobs) {
    ParentStore store = new ParentStore(pool, time.zone());
    ParentLetters letters = new ParentLetters(publicUrl, mailDomain, time.zone());
    return new Parents(
        new ParentRoutes(links, store, letters, config, time, publicUrl, vertx.eventBus()),
        new ParentNotices(store, letters, new JourneyNotices(config, time.zone()), time)
            .job(config.noticeEvery(), jobs),
        store);
  }

  /**
   * Forgets what parents gave that is no longer needed: the address of a link that has ended (as
   * revoking it does) and messages written before {@code messagesBefore}, with their replies.
   * Answers how many addresses and messages went.
   */
  public Future<Integer> forgetEnded(Instant now, Instant messagesBefore) {
    return store.forgetEnded(now, messagesBefore);
  }

  public ParentRoutes routes() {
    return routes;
  }

  public Passes<LiveEvents.Published> notices() {
    return notices;
  }
}
