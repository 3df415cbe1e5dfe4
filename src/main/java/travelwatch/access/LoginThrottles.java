package travelwatch.access;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import travelwatch.config.AccessConfig;
import travelwatch.platform.db.Database;
import travelwatch.platform.http.ApiException;

/**
 * Failed logins and unknown API keys, counted in PostgreSQL so every node of a cluster sees the
 * same tries: per account (the email as typed, whether or not there is such a user, so the answers
 * cannot tell them apart) and per client address. A login's try is counted as a failure before the
 * password is checked, in one transaction holding both rows, so tries sent in parallel cannot slip
 * past the wait; a right password takes it back. A try that must wait is refused with 429 and
 * {@code Retry-After} (nothing is held open on the event loop). Unknown keys are counted the same
 * way per address after the lookup; while an address must wait, this node refuses its unknown keys
 * without a lookup.
 */
public final class LoginThrottles {
  private static final Logger log = LoggerFactory.getLogger(LoginThrottles.class);
  static final String ACCOUNT = "account";
  static final String ADDRESS = "address";
  static final String KEY_ADDRESS = "key_address";
  private static final int LOCAL_LIMIT = 10_000;

  /** A login's try: counted (go ahead and check the password), or to wait this long first. */
  public record Claim(Optional<Duration> waitFor, LoginThrottle.Tries account) {}

  private final Pool pool;
  private final LoginThrottle policy;
  private final Clock clock;
  private final Counter passwordFailures;
  private final Counter keyFailures;
  private final Counter lockouts;
  private final ConcurrentHashMap<String, Instant> keyAddressWaits = new ConcurrentHashMap<>();

  public LoginThrottles(Pool pool, AccessConfig limits, Clock clock, MeterRegistry registry) {
    this.pool = pool;
    this.policy = new LoginThrottle(limits);
    this.clock = clock;
    this.passwordFailures = failures(registry, "password");
    this.keyFailures = failures(registry, "api_key");
    this.lockouts =
        Counter.builder("travelwatch.login.lockouts")
            .description("Accounts locked after too many failed logins")
            .register(registry);
  }

  private static Counter failures(MeterRegistry registry, String credential) {
    return Counter.builder("travelwatch.login.failures")
        .description("Failed logins (a wrong email or password) and unknown API keys")
        .tag("credential", credential)
        .register(registry);
  }

  /** How an account is counted: the email as typed, in lower case. */
  static String account(String email) {
    return email.trim().toLowerCase(Locale.ROOT);
  }

  /** Counts a login's try in advance, or says how long it must wait. */
  public Future<Claim> claim(String email, String address) {
    Instant now = clock.instant();
    String account = account(email);
    return pool.withTransaction(
        sql ->
            tries(sql, ACCOUNT, account)
                .compose(
                    accountTries ->
                        tries(sql, ADDRESS, address)
                            .compose(
                                addressTries -> {
                                  Optional<Duration> wait =
                                      longer(
                                          policy.wait(accountTries, now),
                                          policy.wait(addressTries, now));
                                  if (wait.isPresent()) {
                                    return Future.succeededFuture(new Claim(wait, accountTries));
                                  }
                                  LoginThrottle.Tries counted = policy.failed(accountTries, now);
                                  return put(sql, ACCOUNT, account, counted)
                                      .compose(
                                          v ->
                                              put(
                                                  sql,
                                                  ADDRESS,
                                                  address,
                                                  policy.failed(addressTries, now)))
                                      .map(new Claim(Optional.empty(), counted));
                                })));
  }

  /** The right password: the account starts afresh and the address's try is taken back. */
  public Future<Void> succeeded(String email, String address) {
    Instant now = clock.instant();
    return pool.withTransaction(
        sql ->
            sql.preparedQuery(AccessSql.THROTTLE_CLEAR)
                .execute(Tuple.of(ACCOUNT, account(email)))
                .compose(
                    v ->
                        sql.preparedQuery(AccessSql.THROTTLE_FORGIVE)
                            .execute(Tuple.of(ADDRESS, address)))
                // Rows nobody has failed on for a window are swept here: no timer needed.
                .compose(
                    v ->
                        sql.preparedQuery(AccessSql.THROTTLE_SWEEP)
                            .execute(
                                Tuple.of(
                                    Database.utc(now.minus(policy.window())), Database.utc(now))))
                .mapEmpty());
  }

  /**
   * A wrong email or password, counted already: locks the account if it has failed too often; true
   * when this failure locked it.
   */
  public Future<Boolean> failed(String email, String address, Claim claim) {
    passwordFailures.increment();
    if (!policy.locks(claim.account())) {
      return Future.succeededFuture(false);
    }
    Instant now = clock.instant();
    String account = account(email);
    LoginThrottle.Tries locked = policy.locked(claim.account(), now);
    return pool.preparedQuery(AccessSql.THROTTLE_LOCK)
        .execute(Tuple.of(ACCOUNT, account, Database.utc(locked.lockedUntil())))
        .map(
            rows -> {
              if (rows.size() > 0) {
                lockouts.increment();
                String known = rows.iterator().next().getString("email");
                log.warn(
                    "Locked {} until {} after {} failed logins, the last from {}",
                    known != null ? "the account " + known : "an unknown account " + tag(account),
                    locked.lockedUntil(),
                    claim.account().failures(),
                    address);
              }
              return rows.size() > 0;
            });
  }

  /** While this node knows the address must wait before another unknown key: how long. */
  public Optional<Duration> keyWait(String address) {
    Instant until = keyAddressWaits.get(address);
    Instant now = clock.instant();
    if (until == null || !now.isBefore(until)) {
      if (until != null) {
        keyAddressWaits.remove(address, until);
      }
      return Optional.empty();
    }
    return Optional.of(Duration.between(now, until));
  }

  /**
   * Counts an unknown key from the address; answers how long the try should have waited (another
   * node may have counted the ones before: then it is not counted), empty if it was in time.
   */
  public Future<Optional<Duration>> unknownKey(String address) {
    keyFailures.increment();
    Instant now = clock.instant();
    return pool.withTransaction(
        sql ->
            tries(sql, KEY_ADDRESS, address)
                .compose(
                    before -> {
                      Optional<Duration> early = policy.wait(before, now);
                      if (early.isPresent()) {
                        // Too soon (another node counted the last one): refused, not counted.
                        holdKeys(address, now.plus(early.get()));
                        return Future.succeededFuture(early);
                      }
                      LoginThrottle.Tries after = policy.failed(before, now);
                      policy.wait(after, now).ifPresent(wait -> holdKeys(address, now.plus(wait)));
                      return put(sql, KEY_ADDRESS, address, after).map(early);
                    }));
  }

  private void holdKeys(String address, Instant until) {
    if (keyAddressWaits.size() >= LOCAL_LIMIT) {
      keyAddressWaits.clear();
    }
    keyAddressWaits.put(address, until);
  }

  /** The 429 a try that must wait gets, the same for every account, known or not. */
  public static ApiException tooSoon(Duration wait) {
    long seconds = LoginThrottle.retryAfterSeconds(wait);
    return new ApiException(
        429,
        "rate-limited",
        "Too many tries",
        "Too many failed tries: wait " + seconds + " s before the next one.",
        java.util.List.of(),
        (int) Math.min(Integer.MAX_VALUE, seconds));
  }

  private static Optional<Duration> longer(Optional<Duration> a, Optional<Duration> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return a.get().compareTo(b.get()) >= 0 ? a : b;
  }

  /** The subject's row, made if need be and locked until the transaction ends. */
  private static Future<LoginThrottle.Tries> tries(SqlClient sql, String kind, String subject) {
    Tuple key = Tuple.of(kind, subject);
    return sql.preparedQuery(AccessSql.THROTTLE_ENSURE)
        .execute(key)
        .compose(v -> sql.preparedQuery(AccessSql.THROTTLE_FOR_TRY).execute(key))
        .map(
            rows -> {
              var r = rows.iterator().next();
              return new LoginThrottle.Tries(
                  r.getInteger("failures"),
                  instant(r.getOffsetDateTime("last_failure_at")),
                  instant(r.getOffsetDateTime("locked_until")));
            });
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }

  private static Future<Void> put(
      SqlClient sql, String kind, String subject, LoginThrottle.Tries tries) {
    return sql.preparedQuery(AccessSql.THROTTLE_PUT)
        .execute(
            Tuple.of(
                kind,
                subject,
                tries.failures(),
                Database.utc(tries.lastFailureAt()),
                tries.lockedUntil() == null ? null : Database.utc(tries.lockedUntil())))
        .mapEmpty();
  }

  /** A short tag of an account nobody has, so log lines can be matched without showing it. */
  private static String tag(String account) {
    return "#" + HexFormat.of().formatHex(Secrets.sha256(account), 0, 4);
  }
}
