package travelwatch;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import travelwatch.access.AccessStore;
import travelwatch.access.Authenticator;
import travelwatch.config.TravelWatchConfig;
import travelwatch.plan.PlanImport;
import travelwatch.plan.PlanRoutes;
import travelwatch.plan.PlanStore;
import travelwatch.platform.db.Database;
import travelwatch.platform.http.ApiDocs;
import travelwatch.platform.http.FailureHandler;
import travelwatch.platform.http.Health;
import travelwatch.platform.http.HttpVerticle;
import travelwatch.platform.metrics.Metrics;

/**
 * A running TravelWatch service: database, Vert.x, and the HTTP verticles, started in that order
 * and stopped in reverse.
 */
public final class TravelWatchServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TravelWatchServer.class);

  private final TravelWatchConfig config;
  private final Database database;
  private final Vertx vertx;
  private final Pool pool;

  private TravelWatchServer(TravelWatchConfig config, Database database, Vertx vertx, Pool pool) {
    this.config = config;
    this.database = database;
    this.vertx = vertx;
    this.pool = pool;
  }

  /** Starts the service and waits until it listens; blocking, for {@code main} and tests. */
  public static TravelWatchServer start(TravelWatchConfig config, Clock clock) {
    Database database = Database.open(config.database());
    Metrics metrics = new Metrics();
    Vertx vertx =
        Vertx.builder()
            .with(new VertxOptions().setMetricsOptions(Metrics.vertxOptions()))
            .withMetrics(metrics.vertxFactory())
            .build();
    Pool pool = database.pool(vertx, config.database().poolSize());
    TravelWatchServer server = new TravelWatchServer(config, database, vertx, pool);
    try {
      Routes routes = new Routes(config, pool, metrics, clock);
      vertx
          .deployVerticle(
              () -> new HttpVerticle(config.http(), routes::router),
              new DeploymentOptions().setInstances(config.http().instances()))
          .await();
      log.info("TravelWatch is ready at {}", server.url());
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** The shared parts every HTTP verticle instance routes to. */
  private record Routes(
      TravelWatchConfig config,
      Pool pool,
      Metrics metrics,
      Clock clock,
      Authenticator authenticator,
      PlanRoutes plan,
      Health health) {
    Routes(TravelWatchConfig config, Pool pool, Metrics metrics, Clock clock) {
      this(
          config,
          pool,
          metrics,
          clock,
          new Authenticator(new AccessStore(pool), clock),
          new PlanRoutes(new PlanImport(new PlanStore(pool)), config.http().planBodyLimitBytes()),
          new Health(pool));
    }

    Router router(Vertx vertx) {
      Router router = Router.router(vertx);
      FailureHandler failures = new FailureHandler();
      router.route().failureHandler(failures);
      for (int status : new int[] {404, 405, 413, 415}) {
        router.errorHandler(status, failures);
      }
      health.mount(router);
      router
          .get("/metrics")
          .handler(
              ctx ->
                  ctx.response()
                      .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                      .end(metrics.scrape()));
      ApiDocs.mount(router);

      Router api = Router.router(vertx);
      api.route().handler(authenticator);
      plan.mount(api);
      router.route("/api/v1/*").subRouter(api);
      return router;
    }
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

  @Override
  public void close() {
    try {
      pool.close()
          .await(Duration.ofSeconds(10).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("Pool did not close cleanly: {}", e.toString());
    }
    try {
      vertx
          .close()
          .await(Duration.ofSeconds(10).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    database.close();
  }
}
