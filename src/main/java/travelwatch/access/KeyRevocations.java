package travelwatch.access;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears of every revoked API key, whoever revoked it (the API on any node, or {@code keys revoke}),
 * through PostgreSQL LISTEN on a connection of its own (the table's trigger notifies), and drops
 * this node's cached keys, so the key is refused at once. After a lost connection the cache is
 * dropped too: a revocation may have been missed meanwhile.
 */
public final class KeyRevocations extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(KeyRevocations.class);

  /** How the listening connection shows in {@code pg_stat_activity}. */
  public static final String APPLICATION_NAME = "travelwatch-key-listener";

  private final PgConnectOptions connectOptions;
  private final Authenticator authenticator;
  private PgSubscriber subscriber;

  public KeyRevocations(PgConnectOptions connectOptions, Authenticator authenticator) {
    this.connectOptions =
        new PgConnectOptions(connectOptions).addProperty("application_name", APPLICATION_NAME);
    this.authenticator = authenticator;
  }

  @Override
  public Future<?> start() {
    subscriber =
        PgSubscriber.subscriber(vertx, connectOptions)
            .reconnectPolicy(attempt -> Math.min(5_000L, 100L << Math.min(attempt, 16)));
    subscriber
        .channel(AccessSql.KEY_REVOKED_CHANNEL)
        .subscribeHandler(v -> listening())
        .handler(id -> authenticator.forgetKeys());
    return subscriber.connect();
  }

  private void listening() {
    subscriber
        .actualConnection()
        .exceptionHandler(e -> log.info("Key listener's connection failed: {}", e.toString()));
    authenticator.forgetKeys();
  }

  @Override
  public Future<?> stop() {
    return subscriber.close();
  }
}
