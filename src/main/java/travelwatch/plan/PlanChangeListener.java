package travelwatch.plan;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears of every committed plan change, whoever made it (this server's API, the command line,
 * another node), through PostgreSQL LISTEN on its own connection, and publishes {@link
 * PlanRoutes#PLAN_CHANGED} on this node's event bus for the plan's caches and the monitors.
 */
public final class PlanChangeListener extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(PlanChangeListener.class);

  /** How the listening connection shows in {@code pg_stat_activity}. */
  public static final String APPLICATION_NAME = "travelwatch-plan-listener";

  private static final long FIRST_RETRY_MILLIS = 100;
  private static final long MAX_RETRY_MILLIS = 5_000;

  private final PgConnectOptions connectOptions;
  private PgSubscriber subscriber;
  private boolean listened;

  public PlanChangeListener(PgConnectOptions connectOptions) {
    this.connectOptions =
        new PgConnectOptions(connectOptions).addProperty("application_name", APPLICATION_NAME);
  }

  @Override
  public Future<?> start() {
    subscriber =
        PgSubscriber.subscriber(vertx, connectOptions).reconnectPolicy(PlanChangeListener::retryIn);
    subscriber
        .channel(PlanSql.CHANGED_CHANNEL)
        .subscribeHandler(v -> listening())
        .handler(payload -> changed());
    return subscriber.connect();
  }

  /** Milliseconds before reconnect attempt {@code attempt} (from 0): doubling, capped. */
  static long retryIn(int attempt) {
    return Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(attempt, 16));
  }

  /** The first LISTEN comes before the monitors first read the plan: nothing to catch up on. */
  private void listening() {
    // A drop (PostgreSQL stopping, say) is retried; without a handler the SQL client prints it
    // bare on stderr.
    subscriber
        .actualConnection()
        .exceptionHandler(e -> log.info("Plan listener's connection failed: {}", e.toString()));
    if (listened) {
      // A change may have been committed while the connection was down.
      log.info("Listening for plan changes again");
      changed();
    }
    listened = true;
  }

  private void changed() {
    // Every node hears the notification itself, so the bus must not carry it to the others.
    vertx
        .eventBus()
        .publish(PlanRoutes.PLAN_CHANGED, null, new DeliveryOptions().setLocalOnly(true));
  }

  @Override
  public Future<?> stop() {
    return subscriber.close();
  }
}
