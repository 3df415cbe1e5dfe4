package travelwatch.mi;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import travelwatch.alert.AlertStore;
import travelwatch.config.MiConfig;
import travelwatch.live.LiveEvents;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.jobs.JobHealth;
import travelwatch.platform.jobs.Passes;

/**
 * Operators' monthly management information: the returns' routes (receipt, reconciliation, the
 * month's state) and the job that raises overdue returns (a verticle the server deploys).
 */
public final class MiReturns {
  private final MiRoutes routes;
  private final Passes<LiveEvents.Published> overdue;

  private MiReturns(MiRoutes routes, Passes<LiveEvents.Published> overdue) {
    this.routes = routes;
    this.overdue = overdue;
  }

  public static MiReturns create(
      MiConfig config,
      ServiceClock time,
      URI publicUrl,
      String mailDomain,
      Vertx vertx,
      Pool pool,
      AlertStore alerts,
      JobHealth jobs) {
    MiStore store = new MiStore(pool, time.zone());
    MiCalendar calendar = new MiCalendar(config.dueWorkingDay(), config.bankHolidays());
    MiReceipt receipt =
        new MiReceipt(vertx, store, alerts, new MiLetters(publicUrl, mailDomain), time);
    return new MiReturns(
        new MiRoutes(store, receipt, calendar, time, vertx.eventBus()),
        new MiOverdue(store, calendar, alerts, time, vertx.eventBus())
            .job(config.overdueCheckEvery(), jobs));
  }

  public void mount(Router api) {
    routes.mount(api);
  }

  /** The verticle that raises overdue returns. */
  public Passes<LiveEvents.Published> overdue() {
    return overdue;
  }
}
