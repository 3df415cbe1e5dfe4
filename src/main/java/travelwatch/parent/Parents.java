package travelwatch.parent;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import travelwatch.access.ParentLinks;
import travelwatch.config.ParentConfig;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.jobs.JobHealth;
import travelwatch.platform.jobs.Passes;

/**
 * The parents' capability: its routes, and the job that sends them notices (a verticle the server
 * deploys).
 */
public final class Parents {
  private final ParentRoutes routes;
  private final Passes notices;

  private Parents(ParentRoutes routes, Passes notices) {
    this.routes = routes;
    this.notices = notices;
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
            .job(config.noticeEvery(), jobs));
  }

  public ParentRoutes routes() {
    return routes;
  }

  public Passes notices() {
    return notices;
  }
}
