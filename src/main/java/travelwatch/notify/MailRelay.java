package travelwatch.notify;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import travelwatch.alert.Alert;
import travelwatch.alert.AlertStore;
import travelwatch.config.NotifyConfig;
import travelwatch.live.LiveEvents;
import travelwatch.platform.db.Database;
import travelwatch.platform.jobs.Backoff;
import travelwatch.platform.jobs.JobHealth;

/**
 * Sends the outbox. Exactly one relay works at a time across the cluster: the one holding the
 * relay's PostgreSQL advisory lock on its own connection (the lock dies with the node). Each pass
 * escalates overdue critical alerts, writes due digests, then sends due emails within the
 * per-minute cap on immediate emails, folding those over the cap into the digests; each of the
 * three runs whatever the others did, and each pass's outcome is recorded as a job. An email is
 * marked sent after the server took it, so a relay killed in between sends it again once: at most
 * one duplicate, never a loss. An email the server refuses is retried with exponential backoff and
 * jitter while the others go on, then given up (and counted) after the configured number of tries.
 */
public final class MailRelay extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MailRelay.class);
  private static final int BATCH = 50;
  private static final long STOP_PATIENCE_MS = 5_000;
  private static final int REFUSED_IN_A_ROW = 3;

  private final NotifyConfig config;
  private final Outbox outbox;
  private final AlertStore alerts;
  private final AlertLetters letters;
  private final MailTransport transport;
  private final Clock serviceClock;
  private final Clock realClock;
  private final NotifyMetrics metrics;
  private final JobHealth.Job job;

  private SqlConnection lock;
  private long timer = -1;
  private boolean stopped;

  /** Why the last email could not be sent securely, until one is: each pass fails with it. */
  private MailTransport.NotSecured notSecured;

  private Future<Void> passing = Future.succeededFuture();

  public MailRelay(
      NotifyConfig config,
      Outbox outbox,
      AlertStore alerts,
      AlertLetters letters,
      MailTransport transport,
      Clock serviceClock,
      Clock realClock,
      NotifyMetrics metrics,
      JobHealth.Job job) {
    this.config = config;
    this.outbox = outbox;
    this.alerts = alerts;
    this.letters = letters;
    this.transport = transport;
    this.serviceClock = serviceClock;
    this.realClock = realClock;
    this.metrics = metrics;
    this.job = job;
  }

  /** Whether this node's relay is the one sending. */
  public boolean sending() {
    return lock != null;
  }

  @Override
  public Future<?> start() {
    schedule(1);
    return Future.succeededFuture();
  }

  private void schedule(long delayMillis) {
    if (!stopped) {
      timer = vertx.setTimer(delayMillis, t -> pass());
    }
  }

  private void pass() {
    passing =
        job.<Void>run(
                () -> holdLock().compose(held -> held ? work() : Future.<Void>succeededFuture()))
            .onComplete(v -> schedule(config.relayEvery().toMillis()));
  }

  /** Keeps (or takes) the relay lock; a lost lock connection means another relay may send. */
  private Future<Boolean> holdLock() {
    if (lock != null) {
      return lock.preparedQuery(NotifySql.HOLDS_RELAY_LOCK)
          .execute(Tuple.of(NotifySql.RELAY_LOCK))
          .map(rows -> rows.iterator().next().getBoolean("held"))
          .recover(e -> Future.succeededFuture(false))
          .compose(
              held -> {
                if (held) {
                  return Future.succeededFuture(true);
                }
                log.warn("Mail relay lost its lock; another node may send now");
                dropLock();
                return Future.succeededFuture(false);
              });
    }
    Pool pool = outbox.pool();
    return pool.getConnection()
        .compose(
            conn ->
                conn.preparedQuery(NotifySql.TRY_RELAY_LOCK)
                    .execute(Tuple.of(NotifySql.RELAY_LOCK))
                    .map(rows -> rows.iterator().next().getBoolean("locked"))
                    .onComplete(
                        r -> {
                          if (r.succeeded() && r.result()) {
                            lock = conn;
                            // The next pass notices; without a handler the SQL client prints it
                            // bare on stderr.
                            conn.exceptionHandler(
                                e ->
                                    log.info(
                                        "Mail relay's lock connection failed: {}", e.toString()));
                            log.info("This node's mail relay sends the outbox");
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

  private Future<Void> work() {
    return JobHealth.inTurn(this::escalate, this::digests, this::send)
        // While emails wait because the mail server's connection cannot be secured, every pass
        // says so on health, not only the one that tried.
        .compose(
            v ->
                notSecured == null
                    ? Future.<Void>succeededFuture()
                    : Future.<Void>failedFuture(notSecured));
  }

  private Future<Void> escalate() {
    Instant raisedBy = serviceClock.instant().minus(config.escalateAfter());
    return alerts
        .escalate(Database.utc(raisedBy))
        .map(
            events -> {
              LiveEvents.publish(vertx.eventBus(), events);
              return null;
            });
  }

  /** Writes each recipient's digest once the oldest waiting line has waited the digest period. */
  private Future<Void> digests() {
    Instant now = serviceClock.instant();
    return outbox
        .oldestDigestItem()
        .compose(
            oldest ->
                oldest.isPresent() && !oldest.get().isAfter(now.minus(config.digestEvery()))
                    ? outbox.pool().withTransaction(conn -> writeDigests(conn, now))
                    : Future.succeededFuture());
  }

  private Future<Void> writeDigests(SqlConnection conn, Instant now) {
    return Outbox.digestWaiting(conn)
        .compose(
            waiting -> {
              List<Long> alertIds = new ArrayList<>();
              waiting.forEach(w -> alertIds.add(w.alertId()));
              return AlertStore.byIds(conn, alertIds)
                  .compose(
                      byId -> {
                        Map<String, List<Outbox.Waiting>> byRecipient = new LinkedHashMap<>();
                        waiting.forEach(
                            w ->
                                byRecipient
                                    .computeIfAbsent(w.recipient(), k -> new ArrayList<>())
                                    .add(w));
                        Future<Void> chain = Future.succeededFuture();
                        for (Map.Entry<String, List<Outbox.Waiting>> e : byRecipient.entrySet()) {
                          List<AlertLetters.DigestLine> lines = new ArrayList<>();
                          List<Long> items = new ArrayList<>();
                          for (Outbox.Waiting w : e.getValue()) {
                            Alert a = byId.get(w.alertId());
                            lines.add(new AlertLetters.DigestLine(a, w.transition(), w.folded()));
                            items.add(w.id());
                          }
                          Email digest =
                              letters.digest(e.getKey(), lines, UUID.randomUUID().toString());
                          chain =
                              chain.compose(
                                  v ->
                                      Outbox.digestWritten(
                                          conn, digest, items, realClock.instant()));
                        }
                        return chain;
                      });
            });
  }

  private Future<Void> send() {
    Instant now = realClock.instant();
    return outbox
        .sentSince(now.minus(Duration.ofMinutes(1)))
        .compose(
            sent ->
                outbox
                    .due(now, BATCH)
                    .compose(
                        due -> {
                          long room = Math.max(0, config.perMinute() - sent);
                          List<Outbox.Pending> sendNow = new ArrayList<>();
                          List<Long> over = new ArrayList<>();
                          // Digests and the weekly table are few by design (one per recipient
                          // per period): only immediate emails count against the cap.
                          long immediate = 0;
                          for (Outbox.Pending p : due) {
                            if (!foldable(p.email().kind())) {
                              sendNow.add(p);
                            } else if (immediate < room) {
                              sendNow.add(p);
                              immediate++;
                            } else {
                              over.add(p.id());
                            }
                          }
                          Future<Void> folded =
                              over.isEmpty()
                                  ? Future.succeededFuture()
                                  : outbox
                                      .fold(over, serviceClock.instant())
                                      .map(
                                          n -> {
                                            log.warn(
                                                "Over {} emails a minute: {} folded into the next"
                                                    + " digest",
                                                config.perMinute(),
                                                n);
                                            return null;
                                          });
                          return folded.compose(v -> sendEach(sendNow, 0, 0));
                        }));
  }

  private static boolean foldable(Email.Kind kind) {
    return kind == Email.Kind.ALERT
        || kind == Email.Kind.ESCALATION
        || kind == Email.Kind.RESOLUTION;
  }

  /**
   * One at a time. An email the server refuses waits for its retry while the next goes on, but a
   * few refused in a row end the pass (the server is likely down for all). A send that cannot be
   * recorded fails the pass: sending more would only make more duplicates.
   */
  private Future<Void> sendEach(List<Outbox.Pending> due, int i, int refusedInARow) {
    if (refusedInARow >= REFUSED_IN_A_ROW) {
      // The mail server refuses everything: the pass ends, and the job says so on health.
      return Future.failedFuture(
          new IllegalStateException(
              "the mail server refused "
                  + refusedInARow
                  + " emails in a row; they will be retried"));
    }
    if (i >= due.size() || stopped || lock == null) {
      return Future.succeededFuture();
    }
    Outbox.Pending p = due.get(i);
    // The lock is checked before each email: a node paused past the cluster's patience may have
    // lost it, and another relay may be sending this very email now.
    return holdLock()
        .compose(
            held ->
                held
                    ? send(p).compose(ok -> sendEach(due, i + 1, ok ? 0 : refusedInARow + 1))
                    : Future.succeededFuture());
  }

  private Future<Boolean> send(Outbox.Pending p) {
    return transport
        .send(p.id(), p.email())
        .compose(
            v ->
                outbox
                    .markSent(p.id(), realClock.instant())
                    .map(
                        x -> {
                          notSecured = null;
                          metrics.sent(p.email().kind());
                          return true;
                        }),
            e ->
                failed(p, e)
                    .compose(
                        v -> {
                          if (e instanceof MailTransport.NotSecured n) {
                            // No email goes out in clear: the pass ends, and health says why.
                            log.error("No email is sent until this is mended: {}", e.getMessage());
                            notSecured = n;
                            return Future.failedFuture(e);
                          }
                          return Future.succeededFuture(false);
                        }));
  }

  private Future<Void> failed(Outbox.Pending p, Throwable e) {
    int tries = p.tries() + 1;
    // A mail server's refusal often quotes the address; addresses stay out of logs and the table.
    String error =
        String.valueOf(e.getMessage()).replaceAll("[^\\s<>\"',;:]+@[^\\s<>\"',;:]+", "<address>");
    if (tries >= config.maxTries()) {
      log.error(
          "Giving up on email {} ({}) after {} tries: {}", p.id(), p.email().kind(), tries, error);
      metrics.failed(p.email().kind());
      return outbox.fail(p.id(), error);
    }
    Instant next =
        realClock.instant().plus(Backoff.next(config.retryFirst(), config.retryMax(), tries));
    log.warn("Email {} not sent (try {}): {}; next try at {}", p.id(), tries, error, next);
    return outbox.retry(p.id(), next, error);
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    // A graceful stop lets the email being sent be marked sent (no duplicate on a restart), but
    // waits no longer than a few seconds for a mail server that does not answer.
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
              return held.preparedQuery(NotifySql.RELAY_UNLOCK)
                  .execute(Tuple.of(NotifySql.RELAY_LOCK))
                  .<Void>mapEmpty()
                  // A connection already gone holds no lock.
                  .recover(e -> Future.succeededFuture())
                  .eventually(held::close);
            })
        .eventually(transport::close);
  }
}
