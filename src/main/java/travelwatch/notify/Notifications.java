package travelwatch.notify;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Audit.audited;
import static travelwatch.access.Role.ADMIN;
import static travelwatch.access.Role.MANAGER;
import static travelwatch.access.Rule.role;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import travelwatch.alert.AlertStore;
import travelwatch.config.ConfigException;
import travelwatch.config.NotifyConfig;
import travelwatch.kpi.WeeklyKpiEmail;
import travelwatch.kpi.WeeklyKpiOutbox;
import travelwatch.kpi.WeeklySnapshot;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.Health;
import travelwatch.platform.jobs.JobHealth;

/**
 * The notification capability: alert emails written with each alert change, the weekly KPI email
 * written with its snapshot, the relay that sends them, and the routing rules ({@code GET
 * /api/v1/notify/rules} for managers, {@code PUT} for admins). Deployed, it writes the configured
 * rules file and keeps the outbox gauges; {@link #relay} is deployed on its own.
 */
public final class Notifications extends VerticleBase implements WeeklyKpiOutbox {
  /** Outbox rows are stamped and sent by real time, whatever the service day's clock says. */
  private final Clock outboxClock;

  private static final long GAUGES_EVERY_MILLIS = 5_000;

  private final NotifyConfig config;
  private final Outbox outbox;
  private final AlertLetters letters;
  private final NotifyMetrics metrics;
  private final Optional<RoutingTable> rulesFile;
  private final MailRelay relay;
  private long gauges = -1;

  /**
   * Wires notifications to the alert store and reads the rules file if one is configured (a bad
   * file stops start-up); the relay sends only while it holds the cluster's relay lock (job {@code
   * mail_relay}).
   */
  public Notifications(
      NotifyConfig config,
      URI publicUrl,
      Vertx vertx,
      Pool pool,
      AlertStore alerts,
      MeterRegistry registry,
      ServiceClock time,
      Health health,
      JobHealth jobs) {
    Clock clock = time.clock();
    ZoneId zone = time.zone();
    this.outboxClock = time.real();
    this.config = config;
    this.outbox = new Outbox(pool);
    this.letters = new AlertLetters(zone, publicUrl, config.domain());
    this.metrics = new NotifyMetrics(registry);
    this.rulesFile = config.rulesFile().map(Notifications::readRulesFile);
    alerts.listen(new AlertOutbox(letters, clock, outboxClock));
    this.relay =
        new MailRelay(
            config,
            outbox,
            alerts,
            letters,
            MailTransport.of(vertx, config),
            clock,
            outboxClock,
            metrics,
            jobs.job("mail_relay"));
    health.detail("mail", this::health);
  }

  /** The verticle that sends the outbox. */
  public MailRelay relay() {
    return relay;
  }

  @Override
  public Future<?> start() {
    gauges = vertx.setPeriodic(0, GAUGES_EVERY_MILLIS, t -> metrics.refresh(outbox, outboxClock));
    return rulesFile.isPresent() ? outbox.replaceRules(rulesFile.get()) : Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(gauges);
    return Future.succeededFuture();
  }

  /** The rules file named by the configuration; a bad file stops start-up with its problems. */
  public static RoutingTable readRulesFile(Path file) {
    String label = "TW_NOTIFY_RULES_FILE " + file;
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(label, "cannot be read (" + e + ")");
    }
    try {
      return RuleJson.read(new JsonArray(text));
    } catch (ApiException e) {
      StringBuilder problems = new StringBuilder();
      for (FieldProblem p : e.errors()) {
        problems.append(problems.length() == 0 ? "" : "; ");
        problems.append("rule ").append(p.index()).append(' ').append(p.field()).append(' ');
        problems.append(p.message());
      }
      throw new ConfigException(label, "has problems: " + problems);
    } catch (RuntimeException e) {
      throw new ConfigException(label, "is not a JSON array of routing rules");
    }
  }

  private Future<JsonObject> health() {
    return outbox
        .backlog()
        .map(
            b ->
                new JsonObject()
                    .put("status", b.failed() > 0 ? "FAILING" : "UP")
                    .put("transport", config.smtp().isPresent() ? "smtp" : "eml")
                    .put("relayOnThisNode", relay.sending())
                    .put("pending", b.pending())
                    .put("oldestPendingSeconds", b.oldestPendingSeconds(outboxClock.instant()))
                    .put("failed", b.failed()))
        // How mail leaves: a relay that cannot secure its connection fails job mail_relay.
        .map(
            section -> {
              config.smtp().ifPresent(s -> section.put("tls", s.tls().name().toLowerCase()));
              return section;
            });
  }

  @Override
  public Future<Void> send(
      SqlConnection conn, WeeklySnapshot latest, WeeklyKpiEmail.Content content) {
    return Outbox.rules(conn)
        .compose(table -> AlertOutbox.expand(conn, table.weeklyKpi()))
        .compose(
            to ->
                to.isEmpty()
                    ? Future.succeededFuture()
                    : Outbox.enqueue(
                        conn,
                        letters.weeklyKpi(
                            to,
                            content.subject(),
                            content.text(),
                            content.html(),
                            "week-" + latest.weekEnding().friday() + "-v" + latest.version()),
                        outboxClock.instant()));
  }

  @Override
  public int weeks() {
    return config.kpiWeeks();
  }

  public void mount(Router api) {
    allow(api.get("/notify/rules"), role(MANAGER)).handler(this::list);
    // The rule's step comes first, so the role is checked before the body is read.
    allow(api.put("/notify/rules"), role(ADMIN))
        .handler(BodyHandler.create(false).setBodyLimit(256 * 1024))
        .handler(audited("rules.replace", "rules", null))
        .handler(this::replace);
  }

  private void list(RoutingContext ctx) {
    outbox.rules().map(Notifications::json).compose(ctx::json).onFailure(ctx::fail);
  }

  private void replace(RoutingContext ctx) {
    Object body;
    try {
      String text = ctx.body().asString("UTF-8");
      text = text == null ? "" : text.trim();
      body = text.startsWith("[") ? new JsonArray(text) : new JsonObject(text);
    } catch (RuntimeException e) {
      throw ApiException.badRequest(
          "The body is not JSON.", List.of(FieldProblem.at("", "not valid JSON")));
    }
    Object items = body instanceof JsonObject ? ((JsonObject) body).getValue("items") : body;
    RoutingTable table = RuleJson.read(items);
    outbox.replaceRules(table).map(Notifications::json).compose(ctx::json).onFailure(ctx::fail);
  }

  private static JsonObject json(RoutingTable table) {
    return new JsonObject().put("items", RuleJson.write(table));
  }
}
