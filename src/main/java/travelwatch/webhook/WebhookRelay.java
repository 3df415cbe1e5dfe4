package travelwatch.webhook;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import travelwatch.config.WebhookConfig;
import travelwatch.platform.jobs.Backoff;
import travelwatch.platform.jobs.JobHealth;

/**
 * Sends the webhook deliveries. Exactly one relay works at a time across the cluster: the one
 * holding the relay's PostgreSQL advisory lock on its own connection (the lock dies with the node).
 * Each pass takes the due deliveries that are next in their run's order, at most {@code
 * maxInFlight}, and sends them at once, each signed (Standard Webhooks) and posted to the address
 * its host resolves to once that address is checked again. A 2xx marks it delivered; anything else
 * is retried with exponential backoff and jitter for 24 hours, then given up, and an endpoint that
 * has failed for 24 hours is disabled and its operator emailed. A delivery is marked delivered
 * after the receiver answered, so a relay killed in between sends it again with the same {@code
 * Webhook-Id}: receivers drop the repeat. A receiver failing is the operator's to mend, not a
 * failure of the job ({@code webhook_relay}): that fails only when the relay's own work does.
 */
public final class WebhookRelay extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(WebhookRelay.class);
  private static final long STOP_PATIENCE_MS = 5_000;
  private static final long GAUGES_EVERY_MILLIS = 5_000;
  private static final int ERROR_MAX = 300;

  private final WebhookConfig config;
  private final Destination.Policy policy;
  private final WebhookStore store;
  private final WebhookLetters letters;
  private final Clock clock;
  private final WebhookMetrics metrics;
  private final JobHealth.Job job;

  private WebClient client;
  private SqlConnection lock;
  private long timer = -1;
  private long gauges = -1;
  private boolean stopped;
  private Future<Integer> passing = Future.succeededFuture(0);

  /** {@code clock} is real time: when deliveries are due, tried and given up, and signed. */
  WebhookRelay(
      WebhookConfig config,
      WebhookStore store,
      WebhookLetters letters,
      Clock clock,
      WebhookMetrics metrics,
      JobHealth.Job job) {
    this.config = config;
    this.policy = new Destination.Policy(config.allowLoopback(), config.allowPrivate());
    this.store = store;
    this.letters = letters;
    this.clock = clock;
    this.metrics = metrics;
    this.job = job;
  }

  /** Whether this node's relay is the one sending. */
  boolean sending() {
    return lock != null;
  }

  @Override
  public Future<?> start() {
    int timeout = (int) config.timeout().toMillis();
    client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                // A redirect could point anywhere, the service's own network included.
                .setFollowRedirects(false)
                .setUserAgent("TravelWatch-Webhooks/1")
                .setConnectTimeout(timeout),
            new PoolOptions().setHttp1MaxSize(config.maxInFlight()));
    gauges = vertx.setPeriodic(0, GAUGES_EVERY_MILLIS, t -> metrics.refresh(store, clock));
    schedule(1);
    return Future.succeededFuture();
  }

  private void schedule(long delayMillis) {
    if (!stopped) {
      timer = vertx.setTimer(Math.max(1, delayMillis), t -> pass());
    }
  }

  /**
   * One pass; the next follows at once when this one moved something on (a run's next delivery may
   * be due now), else after the relay's period.
   */
  private void pass() {
    passing =
        job.<Integer>run(
                () -> holdLock().compose(held -> held ? work() : Future.succeededFuture(0)))
            .onComplete(
                done ->
                    schedule(
                        done.succeeded() && done.result() > 0
                            ? 1
                            : config.relayEvery().toMillis()));
  }

  /** Keeps (or takes) the relay lock; a lost lock connection means another relay may send. */
  private Future<Boolean> holdLock() {
    if (lock != null) {
      return lock.preparedQuery(WebhookSql.HOLDS_RELAY_LOCK)
          .execute(Tuple.of(WebhookSql.RELAY_LOCK))
          .map(rows -> rows.iterator().next().getBoolean("held"))
          .recover(e -> Future.succeededFuture(false))
          .compose(
              held -> {
                if (held) {
                  return Future.succeededFuture(true);
                }
                log.warn("Webhook relay lost its lock; another node may send now");
                dropLock();
                return Future.succeededFuture(false);
              });
    }
    return store
        .pool()
        .getConnection()
        .compose(
            conn ->
                conn.preparedQuery(WebhookSql.TRY_RELAY_LOCK)
                    .execute(Tuple.of(WebhookSql.RELAY_LOCK))
                    .map(rows -> rows.iterator().next().getBoolean("locked"))
                    .onComplete(
                        r -> {
                          if (r.succeeded() && r.result()) {
                            lock = conn;
                            conn.exceptionHandler(
                                e ->
                                    log.info(
                                        "Webhook relay's lock connection failed: {}",
                                        e.toString()));
                            log.info("This node's webhook relay sends the deliveries");
                          } else {
                            conn.close();
                          }
                        }))
        .recover(e -> Future.succeededFuture(false));
  }

  private void dropLock() {
    if (lock != null) {
      lock.close();
      lock = null;
    }
  }

  /** Sends what is due, all at once; answers how many deliveries moved on. */
  private Future<Integer> work() {
    return store
        .due(clock.instant(), config.maxInFlight())
        .compose(
            due -> {
              List<Future<Boolean>> sent = new ArrayList<>();
              for (WebhookStore.Due d : due) {
                sent.add(send(d));
              }
              return Future.all(sent)
                  .map(
                      all -> {
                        int moved = 0;
                        for (Future<Boolean> f : sent) {
                          moved += f.result() ? 1 : 0;
                        }
                        // A full batch means more may be due at once.
                        return due.size() == config.maxInFlight() ? Math.max(moved, 1) : moved;
                      });
            });
  }

  /**
   * One delivery; answers whether it moved on (delivered or given up). What the receiver answers is
   * recorded; only a failure to record fails the pass.
   */
  private Future<Boolean> send(WebhookStore.Due d) {
    Destination destination;
    try {
      destination = Destination.parse(d.url(), policy);
    } catch (Destination.Refused e) {
      return failed(d, null, "url " + e.getMessage());
    }
    return vertx
        .executeBlocking(() -> destination.resolve(policy), false)
        .compose(address -> post(d, destination, address))
        .transform(
            answer -> {
              if (answer.succeeded() && answer.result().statusCode() / 100 == 2) {
                return store
                    .delivered(d, clock.instant(), answer.result().statusCode())
                    .map(
                        v -> {
                          metrics.delivered();
                          return true;
                        });
              }
              if (answer.succeeded()) {
                return failed(d, answer.result().statusCode(), null);
              }
              // An address refused now (the name resolves elsewhere than at registration) is
              // recorded as the URL's fault, like any other refusal of it.
              return answer.cause() instanceof Destination.Refused refused
                  ? failed(d, null, "url " + refused.getMessage())
                  : failed(d, null, error(answer.cause()));
            });
  }

  private Future<HttpResponse<Void>> post(
      WebhookStore.Due d, Destination destination, InetAddress address) {
    String id = "msg_" + d.messageId();
    long timestamp = clock.instant().getEpochSecond();
    long timeout = config.timeout().toMillis();
    return client
        .request(
            HttpMethod.POST,
            // The checked address, not a second lookup of the name that could answer otherwise.
            SocketAddress.inetSocketAddress(destination.port(), address.getHostAddress()),
            destination.port(),
            destination.host(),
            destination.requestUri())
        .ssl(destination.tls())
        .connectTimeout(timeout)
        .idleTimeout(timeout)
        .timeout(timeout)
        .putHeader("Content-Type", "application/json")
        .putHeader("Webhook-Id", id)
        .putHeader("Webhook-Timestamp", String.valueOf(timestamp))
        .putHeader("Webhook-Signature", Signature.sign(d.secret(), id, timestamp, d.body()))
        .as(BodyCodec.none())
        .sendBuffer(Buffer.buffer(d.body()))
        .timeout(timeout, TimeUnit.MILLISECONDS);
  }

  /** A failed try: retried after the backoff, or given up once the 24 hours are over. */
  private Future<Boolean> failed(WebhookStore.Due d, Integer statusCode, String error) {
    metrics.failedTry();
    Instant now = clock.instant();
    Instant deadline = d.createdAt().plus(WebhookConfig.GIVE_UP_AFTER);
    int tries = d.tries() + 1;
    Optional<Instant> next =
        now.isBefore(deadline)
            ? Optional.of(
                min(
                    now.plus(Backoff.next(config.retryFirst(), config.retryMax(), tries)),
                    deadline))
            : Optional.empty();
    String answer = statusCode != null ? "HTTP " + statusCode : error;
    if (next.isPresent()) {
      log.info(
          "Webhook {} delivery {} not delivered (try {}): {}; next try at {}",
          d.webhookId(),
          d.id(),
          tries,
          answer,
          next.get());
    } else {
      log.warn(
          "Giving up on webhook {} delivery {} after {} tries in 24 hours: {}",
          d.webhookId(),
          d.id(),
          tries,
          answer);
      metrics.givenUp();
    }
    return store
        .failed(
            d,
            now,
            statusCode,
            error,
            next,
            now.minus(WebhookConfig.GIVE_UP_AFTER),
            letters::disabled)
        .map(
            disabled -> {
              disabled.ifPresent(
                  x -> {
                    metrics.disabled();
                    log.warn(
                        "Webhook {} of operator {} disabled: failing since {}; {} waiting"
                            + " deliveries dropped{}",
                        x.webhookId(),
                        x.operator().id(),
                        x.failingSince(),
                        x.dropped(),
                        x.operator().email().isPresent() ? ", operator emailed" : "");
                  });
              return next.isEmpty() || disabled.isPresent();
            });
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** What went wrong, on one line and bounded. */
  private static String error(Throwable e) {
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    text = text.replaceAll("\\s+", " ").trim();
    return text.length() <= ERROR_MAX ? text : text.substring(0, ERROR_MAX - 1) + "…";
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    vertx.cancelTimer(gauges);
    // A graceful stop lets the deliveries in flight be recorded (no repeat after a restart), but
    // waits no longer than a few seconds for receivers that do not answer.
    return passing
        .timeout(STOP_PATIENCE_MS, TimeUnit.MILLISECONDS)
        .transform(
            done -> {
              SqlConnection held = lock;
              lock = null;
              if (held == null) {
                return Future.<Void>succeededFuture();
              }
              // The connection goes back to the pool: release the lock first, or it stays held.
              return held.preparedQuery(WebhookSql.RELAY_UNLOCK)
                  .execute(Tuple.of(WebhookSql.RELAY_LOCK))
                  .<Void>mapEmpty()
                  .recover(e -> Future.succeededFuture())
                  .eventually(held::close);
            })
        .eventually(
            () -> {
              client.close();
              return Future.succeededFuture();
            });
  }
}
