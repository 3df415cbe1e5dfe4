package travelwatch.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import travelwatch.alert.AlertStore;
import travelwatch.config.WebhookConfig;
import travelwatch.monitor.MonitorStore;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.http.Health;
import travelwatch.platform.jobs.JobHealth;

/**
 * Operators' webhooks: the endpoints' routes, the message written in each alert change's and run
 * status change's own transaction for the operator's endpoints, and the relay that delivers them (a
 * verticle the server deploys; job {@code webhook_relay}, and {@code webhooks} on the ready probe).
 */
public final class Webhooks {
  private final WebhookRoutes routes;
  private final WebhookRelay relay;
  private final WebhookStore store;
  private final ServiceClock time;

  private Webhooks(
      WebhookRoutes routes, WebhookRelay relay, WebhookStore store, ServiceClock time) {
    this.routes = routes;
    this.relay = relay;
    this.store = store;
    this.time = time;
  }

  /**
   * Wires webhooks to the alert store and the monitors' run store, so every change they commit
   * writes its deliveries with it; the relay, the routes and the endpoints' times run on real time.
   */
  public static Webhooks create(
      WebhookConfig config,
      ServiceClock time,
      URI publicUrl,
      String mailDomain,
      Pool pool,
      AlertStore alerts,
      MonitorStore runs,
      MeterRegistry registry,
      Health health,
      JobHealth jobs) {
    WebhookStore store = new WebhookStore(pool);
    WebhookOutbox outbox = new WebhookOutbox(time.clock(), time.real(), time.zone());
    alerts.listen(outbox);
    runs.listen(outbox);
    Destination.Policy policy =
        new Destination.Policy(config.allowLoopback(), config.allowPrivate());
    Webhooks webhooks =
        new Webhooks(
            new WebhookRoutes(store, policy, time.real(), time.zone()),
            new WebhookRelay(
                config,
                store,
                new WebhookLetters(publicUrl.toString(), mailDomain, time.zone()),
                time.real(),
                new WebhookMetrics(registry),
                jobs.job("webhook_relay")),
            store,
            time);
    health.detail("webhooks", webhooks::health);
    return webhooks;
  }

  public void mount(Router api) {
    routes.mount(api);
  }

  /** The verticle that delivers. */
  public WebhookRelay relay() {
    return relay;
  }

  private Future<JsonObject> health() {
    return store
        .backlog()
        .map(
            b ->
                new JsonObject()
                    .put("status", b.failed() > 0 ? "FAILING" : "UP")
                    .put("relayOnThisNode", relay.sending())
                    .put("pending", b.pending())
                    .put("oldestPendingSeconds", b.oldestPendingSeconds(time.real().instant()))
                    .put("failed", b.failed())
                    .put("disabledEndpoints", b.disabled()));
  }
}
