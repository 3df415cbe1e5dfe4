package travelwatch.server;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Rule.anyone;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import travelwatch.access.Access;
import travelwatch.access.AccessStore;
import travelwatch.access.Audit;
import travelwatch.access.Authenticator;
import travelwatch.access.CouncilSignIn;
import travelwatch.access.CouncilSignInRoutes;
import travelwatch.access.CrewDevices;
import travelwatch.access.KeyRevocations;
import travelwatch.access.KeyRoutes;
import travelwatch.access.LoginThrottles;
import travelwatch.access.ParentLinks;
import travelwatch.access.SessionRoutes;
import travelwatch.access.Sessions;
import travelwatch.access.UserRoutes;
import travelwatch.alert.AlertMetrics;
import travelwatch.alert.AlertRoutes;
import travelwatch.alert.AlertStore;
import travelwatch.audit.AuditRoutes;
import travelwatch.audit.AuditStore;
import travelwatch.config.TravelWatchConfig;
import travelwatch.crew.CrewRoutes;
import travelwatch.ingest.CommittedEvents;
import travelwatch.ingest.EventAuthorizer;
import travelwatch.ingest.EventHandOff;
import travelwatch.ingest.EventParser;
import travelwatch.ingest.EventSchemas;
import travelwatch.ingest.GroupCommitWriter;
import travelwatch.ingest.IngestMetrics;
import travelwatch.ingest.IngestRoutes;
import travelwatch.ingest.IntakeWatermark;
import travelwatch.ingest.PlanOwners;
import travelwatch.ingest.PlanOwnersRefresh;
import travelwatch.ingest.RateLimiter;
import travelwatch.ingest.RecentEvents;
import travelwatch.ingest.ShardDirectory;
import travelwatch.kpi.Kpi;
import travelwatch.live.LiveEvents;
import travelwatch.live.StreamRoutes;
import travelwatch.mi.MiReturns;
import travelwatch.monitor.ControlRoomRoutes;
import travelwatch.monitor.MonitorMetrics;
import travelwatch.monitor.MonitorStore;
import travelwatch.monitor.MonitorVerticle;
import travelwatch.monitor.RunRoutes;
import travelwatch.notify.Notifications;
import travelwatch.parent.Parents;
import travelwatch.plan.PlanChangeListener;
import travelwatch.plan.PlanImport;
import travelwatch.plan.PlanRoutes;
import travelwatch.plan.PlanStore;
import travelwatch.planchange.PlanChangeRoutes;
import travelwatch.planchange.PlanChanges;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.cluster.ClusterNode;
import travelwatch.platform.cluster.Membership;
import travelwatch.platform.cluster.ShardOwnership;
import travelwatch.platform.db.Database;
import travelwatch.platform.http.ApiDocs;
import travelwatch.platform.http.BodyLimit;
import travelwatch.platform.http.FailureHandler;
import travelwatch.platform.http.Health;
import travelwatch.platform.http.HttpVerticle;
import travelwatch.platform.http.InboundText;
import travelwatch.platform.http.ScrapeToken;
import travelwatch.platform.jobs.JobHealth;
import travelwatch.platform.metrics.Metrics;
import travelwatch.retention.RetentionJob;
import travelwatch.school.Schools;
import travelwatch.tracker.TrackerRoutes;
import travelwatch.tracker.Trackers;
import travelwatch.web.ControlRoomPage;
import travelwatch.webhook.Webhooks;

/**
 * A running TravelWatch service: database (migrated), Vert.x, each capability's verticle, and the
 * HTTP verticles, started in that order and stopped in reverse (the monitors first).
 */
public final class TravelWatchServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TravelWatchServer.class);

  private final TravelWatchConfig config;
  private final Database database;
  private final Vertx vertx;
  private final Pool pool;

  /** In start order. */
  private final List<String> deployments = new ArrayList<>();

  private String monitorDeployment;
  private Capabilities capabilities;

  private TravelWatchServer(TravelWatchConfig config, Database database, Vertx vertx, Pool pool) {
    this.config = config;
    this.database = database;
    this.vertx = vertx;
    this.pool = pool;
  }

  /** Starts the service and waits until it listens; blocking, for {@code main} and tests. */
  public static TravelWatchServer start(TravelWatchConfig config, Clock clock) {
    return start(config, clock, ServiceClock.REAL);
  }

  /**
   * As {@link #start(TravelWatchConfig, Clock)}, with {@code real} as the clock of what runs on
   * real time (caches, rate limits, the outboxes, job health): a test moves it by hand.
   */
  public static TravelWatchServer start(TravelWatchConfig config, Clock clock, Clock real) {
    Database database = Database.open(config.database());
    Metrics metrics = new Metrics();
    ClusterNode.Started node;
    try {
      node =
          ClusterNode.start(
              config.cluster(),
              // Netty's epoll transport where the platform has it (Linux), else Java NIO.
              new VertxOptions()
                  .setMetricsOptions(Metrics.vertxOptions())
                  .setPreferNativeTransport(true),
              metrics.vertxFactory());
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    Vertx vertx = node.vertx();
    if (vertx.isNativeTransportEnabled()) {
      log.info("Network transport: native epoll");
    } else {
      log.info("Network transport: Java NIO ({})", vertx.unavailableNativeTransportCause());
    }
    Pool pool = database.pool(vertx, config.database().poolSize());
    TravelWatchServer server = new TravelWatchServer(config, database, vertx, pool);
    try {
      Capabilities capabilities =
          new Capabilities(config, vertx, pool, metrics, clock, real, database, node.membership());
      server.capabilities = capabilities;
      // Listening before the monitors first read the plan, so no change falls in between.
      server.deploy(capabilities.planChanges);
      // Revoked keys are dropped from this node's cache from the first request on.
      server.deploy(capabilities.keyRevocations);
      server.deploy(capabilities.planOwnersRefresh);
      // The event store's partitions of today and the days ahead exist before events come in.
      server.deploy(capabilities.retention);
      // The routing rules are in place before any monitor raises an alert.
      server.deploy(capabilities.notifications);
      server.deploy(capabilities.notifications.relay());
      server.deploy(capabilities.webhooks.relay());
      // The monitors rebuild their shards of the day before the API takes events.
      server.monitorDeployment = server.deploy(capabilities.monitor);
      server.deploy(capabilities.alertMetrics);
      server.deploy(capabilities.kpi.scheduler());
      server.deploy(capabilities.parents.notices());
      server.deploy(capabilities.schools.notices());
      server.deploy(capabilities.mi.overdue());
      server.deployments.add(
          vertx
              .deployVerticle(
                  () -> new HttpVerticle(config.http(), capabilities::router),
                  new DeploymentOptions().setInstances(config.http().instances()))
              .await());
      config
          .trackers()
          .osmandPort()
          .ifPresent(
              port -> {
                var http = config.http();
                var osmAnd = http.onPort(port);
                server.deployments.add(
                    vertx
                        .deployVerticle(
                            () -> new HttpVerticle(osmAnd, capabilities::osmAndRouter),
                            new DeploymentOptions().setInstances(http.instances()))
                        .await());
                log.info("The OsmAnd protocol also listens on port {}", port);
              });
      log.info("TravelWatch is ready at {}", server.url());
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private String deploy(Deployable capability) {
    String id = vertx.deployVerticle(capability).await();
    deployments.add(id);
    return id;
  }

  /**
   * Each capability, created once per process and shared by every HTTP verticle instance; those
   * with timers or event-bus consumers are verticles that the server deploys.
   */
  private static final class Capabilities {
    final Metrics metrics;
    final Authenticator authenticator;
    final KeyRevocations keyRevocations;
    final Health health;
    final PlanChangeListener planChanges;
    final PlanOwnersRefresh planOwnersRefresh;
    final AlertMetrics alertMetrics;
    final PlanChangeRoutes plan;
    final IngestRoutes ingest;
    final AlertRoutes alerts;
    final StreamRoutes stream;
    final RunRoutes runs;
    final KeyRoutes keys;
    final AuditStore audit;
    final AuditRoutes auditRoutes;
    final MonitorVerticle monitor;
    final Kpi kpi;
    final Notifications notifications;
    final SessionRoutes sessions;
    final CouncilSignInRoutes councilSignIn;
    final ControlRoomRoutes controlRoom;
    final CrewRoutes crew;
    final Parents parents;
    final Schools schools;
    final Webhooks webhooks;
    final MiReturns mi;
    final UserRoutes users;
    final TrackerRoutes trackers;
    final ScrapeToken scrapeToken;
    final RetentionJob retention;
    final ControlRoomPage page;
    final AtomicReference<Router> served = new AtomicReference<>();
    final BodyLimit bodyLimit;

    Capabilities(
        TravelWatchConfig config,
        Vertx vertx,
        Pool pool,
        Metrics metrics,
        Clock clock,
        Clock realClock,
        Database database,
        Membership membership) {
      this.metrics = metrics;
      this.scrapeToken = new ScrapeToken(config.access().metricsToken());
      // Only the plan may be larger than the default.
      this.bodyLimit =
          new BodyLimit(
              config.http().bodyLimitBytes(),
              Map.of(PlanRoutes.PATH, config.http().planBodyLimitBytes()));
      AccessStore access = new AccessStore(pool);
      // Caches and rate limits run on real time, whatever the service day's clock says.
      ServiceClock time = new ServiceClock(clock, config.zone(), realClock);
      Clock real = time.real();
      // Sessions time out on the service's clock, so tests can move it.
      Sessions sessions = new Sessions(access, vertx, clock, config.sessions());
      boolean passwords = config.signIn().localLogin();
      // Failed tries wait on real time, whatever the service day's clock says.
      LoginThrottles throttles =
          new LoginThrottles(pool, config.access(), real, metrics.registry());
      this.sessions = new SessionRoutes(sessions, passwords, throttles);
      // Tokens from the council's provider carry real time, whatever the service day's clock says.
      this.councilSignIn =
          new CouncilSignInRoutes(
              config
                  .signIn()
                  .council()
                  .map(
                      provider ->
                          new CouncilSignIn(
                              vertx, access, sessions, provider, config.http().publicUrl(), real)),
              sessions,
              config.sessions(),
              passwords);
      // Crew phones' tokens are checked on the service's clock, like sessions.
      CrewDevices phones = new CrewDevices(pool, clock);
      // Parents' links end on the service's clock too.
      ParentLinks parentLinks = new ParentLinks(pool, clock);
      this.authenticator =
          new Authenticator(access, sessions, phones, parentLinks, throttles, real);
      this.keyRevocations = new KeyRevocations(database.endpoint().connectOptions(), authenticator);
      this.crew = new CrewRoutes(pool, phones, time);
      this.keys = new KeyRoutes(access, authenticator, real, config.zone());
      this.audit = new AuditStore(pool, clock);
      this.auditRoutes = new AuditRoutes(audit, time);
      this.users = new UserRoutes(access, real, config.zone());
      ShardOwnership shardOwnership =
          new ShardOwnership(
              database.endpoint().connectOptions(),
              MonitorVerticle.units(config.ingest().shards()),
              membership,
              ShardOwnership.Timing.forHeartbeatTimeout(config.cluster().heartbeatTimeoutSeconds()),
              metrics.registry());
      // When a job last ran is wall-clock time, whatever the service day's clock says.
      JobHealth jobs = new JobHealth(metrics.registry(), real, config.zone());
      this.health = new Health(pool, () -> shardOwnership.status().toJson(), jobs);

      CommittedEvents.register(vertx.eventBus());
      LiveEvents.register(vertx.eventBus());
      IntakeWatermark watermark = new IntakeWatermark(real);
      ShardDirectory directory = new ShardDirectory(real);
      Duration behindAfter = config.monitor().behindAfter();
      MonitorMetrics.intakeLag(metrics.registry(), () -> watermark.lag(clock.instant()));
      health.condition(
          "intake",
          () -> {
            Duration lag = watermark.lag(clock.instant());
            return new JsonObject()
                .put("status", lag.compareTo(behindAfter) > 0 ? "DEGRADED" : "UP")
                .put("lagSeconds", lag.toMillis() / 1000.0);
          });
      PlanOwners ownership = new PlanOwners(pool, real);
      this.planOwnersRefresh = new PlanOwnersRefresh(ownership);
      this.planChanges = new PlanChangeListener(database.endpoint().connectOptions());
      // Every plan import and change through the API is a plan change, under route change control.
      this.plan =
          new PlanChangeRoutes(
              new PlanChanges(
                  pool,
                  new PlanImport(new PlanStore(pool), vertx),
                  time,
                  config.notifications().domain()),
              config.http().planBodyLimitBytes(),
              time);

      var ingestConfig = config.ingest();
      IngestMetrics ingestMetrics = new IngestMetrics(metrics.registry());
      GroupCommitWriter.Tuning tuning =
          new GroupCommitWriter.Tuning(
              ingestConfig.flushRows(),
              ingestConfig.flushDelayMillis(),
              ingestConfig.maxInFlight(),
              ingestConfig.maxQueuedRows());
      // Called on each HTTP event loop: its writer's pool is created there, so the inserts run
      // on that loop, and the pool closes with that loop's verticle; so is its hand-off.
      Supplier<GroupCommitWriter> writers =
          () ->
              new GroupCommitWriter(
                  vertx,
                  Database.pool(
                      vertx, database.endpoint(), ingestConfig.maxInFlight(), "travelwatch-ingest"),
                  clock,
                  tuning,
                  ingestMetrics,
                  new EventHandOff(vertx.eventBus(), ingestConfig.shards(), watermark, directory));
      EventParser parser =
          new EventParser(
              EventSchemas.fromContract(), config.zone(), clock, ingestConfig.maxAhead());
      this.ingest =
          new IngestRoutes(
              parser,
              new EventAuthorizer(ownership),
              new RateLimiter(ingestConfig.ratePerKey(), real),
              writers,
              ingestMetrics,
              config.http().bodyLimitBytes(),
              new RecentEvents(pool, config.zone()));

      var monitorConfig = config.monitor();
      AlertStore alertStore = new AlertStore(pool, time, monitorConfig.rules().autoResolve());
      this.alertMetrics = new AlertMetrics(metrics.registry(), pool, 5000);
      // Emails commit with the alert changes they report, so they are wired before any monitor.
      this.notifications =
          new Notifications(
              config.notifications(),
              config.http().publicUrl(),
              vertx,
              pool,
              alertStore,
              metrics.registry(),
              time,
              health,
              jobs);
      MonitorStore monitorStore = new MonitorStore(pool, config.zone());
      // Webhooks' deliveries commit with the alert and run changes they report, so they too are
      // wired before any monitor.
      this.webhooks =
          Webhooks.create(
              config.webhooks(),
              time,
              config.http().publicUrl(),
              config.notifications().domain(),
              pool,
              alertStore,
              monitorStore,
              metrics.registry(),
              health,
              jobs);
      this.alerts = new AlertRoutes(alertStore, vertx.eventBus());
      // Trackers' positions are events of the API's kind, parsed and stored as those are.
      this.trackers =
          new TrackerRoutes(
              new Trackers(pool, clock),
              parser,
              metrics.registry(),
              config.trackers().maxAccuracyMetres(),
              alertStore,
              vertx.eventBus(),
              time);
      this.page = new ControlRoomPage(config.map());
      this.stream =
          new StreamRoutes(
              pool,
              monitorConfig.streamHeartbeat().toMillis(),
              monitorConfig.streamMaxPerCaller(),
              monitorConfig.streamMax());
      this.runs =
          new RunRoutes(
              pool,
              time,
              alertStore,
              new PlanStore(pool),
              new MonitorStore(pool, config.zone()),
              monitorConfig.rules());
      this.controlRoom =
          new ControlRoomRoutes(
              pool,
              new PlanStore(pool),
              new MonitorStore(pool, config.zone()),
              time,
              monitorConfig.rules());
      this.monitor =
          new MonitorVerticle(
              time,
              monitorConfig.rules(),
              monitorConfig.tick(),
              monitorConfig.gather(),
              ingestConfig.shards(),
              new PlanStore(pool),
              monitorStore,
              alertStore,
              new MonitorMetrics(metrics.registry()),
              shardOwnership,
              watermark,
              directory);
      this.kpi = Kpi.create(config.kpi(), time, pool, metrics.registry(), notifications, jobs);
      this.parents =
          Parents.create(
              config.parents(),
              time,
              config.http().publicUrl(),
              config.notifications().domain(),
              vertx,
              pool,
              parentLinks,
              jobs);
      this.retention = RetentionJob.create(config.retention(), time, pool, parents, audit, jobs);
      this.schools =
          Schools.create(
              config.schools(),
              time,
              config.http().publicUrl(),
              config.notifications().domain(),
              vertx,
              pool,
              alertStore,
              jobs);
      this.mi =
          MiReturns.create(
              config.mi(),
              time,
              config.http().publicUrl(),
              config.notifications().domain(),
              vertx,
              pool,
              alertStore,
              jobs);
    }

    Router router(Vertx vertx) {
      Router router = Router.router(vertx);
      FailureHandler failures = new FailureHandler();
      router.route().failureHandler(failures);
      for (int status : new int[] {404, 405, 413, 415}) {
        router.errorHandler(status, failures);
      }
      // Every route may write to the audit trail (sign-ins come back outside the API).
      router.route().handler(Audit.using(audit));
      router.route().handler(bodyLimit);
      allow(router.get("/health/live"), anyone()).handler(Health::live);
      allow(router.get("/health/ready"), anyone()).handler(health::ready);
      allow(router.get("/metrics"), anyone())
          .handler(scrapeToken)
          .handler(
              ctx ->
                  ctx.response()
                      .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                      .end(metrics.scrape()));
      allow(router.get("/api/openapi.yaml"), anyone()).handler(ApiDocs::serve);
      ingest.mountTracking(router);
      router.route().handler(InboundText::guardRequest);
      // One writer per HTTP event loop, for the API's events and trackers' positions alike.
      GroupCommitWriter writer = ingest.writer();
      trackers.mountOsmAnd(router, writer);
      councilSignIn.mount(router);
      page.mount(router);

      Router api = Router.router(vertx);
      sessions.mountLogin(api);
      councilSignIn.mountOptions(api);
      crew.mountSignIn(api);
      parents.routes().mountUnsubscribe(api);
      api.route().handler(authenticator);
      sessions.mount(api);
      plan.mount(api);
      keys.mount(api);
      auditRoutes.mount(api);
      ingest.mount(api, writer);
      trackers.mount(api, writer);
      runs.mount(api);
      alerts.mount(api);
      stream.mount(api);
      kpi.routes().mount(api);
      notifications.mount(api);
      controlRoom.mount(api);
      crew.mount(api);
      parents.routes().mount(api);
      schools.routes().mount(api);
      webhooks.mount(api);
      mi.mount(api);
      users.mount(api);
      router.route("/api/v1/*").subRouter(api);
      // A route whose callers nobody decided is not served: the server does not start.
      Access.requireRules(router);
      served.set(router);
      return router;
    }

    /** The OsmAnd protocol's own port: its routes alone, with a writer of the loop's own. */
    Router osmAndRouter(Vertx vertx) {
      Router router = Router.router(vertx);
      FailureHandler failures = new FailureHandler();
      router.route().failureHandler(failures);
      for (int status : new int[] {404, 405, 413, 415}) {
        router.errorHandler(status, failures);
      }
      router.route().handler(bodyLimit);
      router.route().handler(InboundText::guardRequest);
      trackers.mountOsmAndPort(router, ingest.writer());
      Access.requireRules(router);
      return router;
    }
  }

  /**
   * Closes the server when the process is asked to stop (Ctrl-C, SIGTERM); the latch opens after.
   */
  public java.util.concurrent.CountDownLatch closeOnShutdown() {
    java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  close();
                  stopped.countDown();
                },
                "travelwatch-shutdown"));
    return stopped;
  }

  /**
   * The routes the service answers: a router an HTTP verticle serves (each builds its own from the
   * same capabilities, so they are alike). For tests that read what is served.
   */
  public Router router() {
    return capabilities.served.get();
  }

  public URI url() {
    return URI.create("http://localhost:" + config.http().port() + "/");
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  public travelwatch.platform.db.PgEndpoint database() {
    return database.endpoint();
  }

  /**
   * Stops the HTTP verticles and every capability, leaving Vert.x, the pool and the database open
   * ({@link #close} then closes them; tests look at what is left in between).
   */
  public synchronized void undeploy() {
    try {
      // The monitors first: they hand their shards back at once, while the database is there.
      if (monitorDeployment != null && deployments.remove(monitorDeployment)) {
        vertx.undeploy(monitorDeployment).await(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      log.warn("Monitors did not stop cleanly: {}", e.toString());
    }
    // Then the rest in reverse (HTTP first, the plan listener last) while the database is still
    // there, so that work in flight, such as an email being sent, finishes and is recorded.
    while (!deployments.isEmpty()) {
      String deployment = deployments.remove(deployments.size() - 1);
      try {
        vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("A verticle did not stop cleanly: {}", e.toString());
      }
    }
  }

  @Override
  public synchronized void close() {
    undeploy();
    try {
      pool.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Pool did not close cleanly: {}", e.toString());
    }
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    database.close();
  }
}
