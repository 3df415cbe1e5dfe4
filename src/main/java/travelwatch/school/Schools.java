package travelwatch.school;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import travelwatch.alert.AlertStore;
import travelwatch.config.SchoolConfig;
import travelwatch.live.LiveEvents;
import travelwatch.monitor.RunBoard;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.jobs.JobHealth;
import travelwatch.platform.jobs.Passes;

/**
 * The schools' capability: their routes, and the job that emails school offices (a verticle the
 * server deploys).
 */
public final class Schools {
  private final SchoolRoutes routes;
  private final Passes<LiveEvents.Published> notices;

  private Schools(SchoolRoutes routes, Passes<LiveEvents.Published> notices) {
    this.routes = routes;
    this.notices = notices;
  }

  public static Schools create(
      SchoolConfig config,
      ServiceClock time,
      URI publicUrl,
      String mailDomain,
      Vertx vertx,
      Pool pool,
      AlertStore alerts,
      JobHealth jobs) {
    SchoolStore store = new SchoolStore(pool, time.zone());
    return new Schools(
        new SchoolRoutes(store, new RunBoard(pool, time.zone()), alerts, time, vertx.eventBus()),
        new SchoolNotices(
                store,
                new SchoolLetters(publicUrl.toString(), mailDomain, time.zone()),
                new RunNotices(config.lateAfter(), config.lateStep()),
                time)
            .job(config.noticeEvery(), jobs));
  }

  public SchoolRoutes routes() {
    return routes;
  }

  public Passes<LiveEvents.Published> notices() {
    return notices;
  }
}
