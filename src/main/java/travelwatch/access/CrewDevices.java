package travelwatch.access;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import travelwatch.platform.db.Database;
import travelwatch.platform.http.ApiException;

/**
 * Crew phones' credentials: one-time sign-in codes the office makes for a crew member, and the
 * device tokens phones trade them for. Only hashes are stored. A code is 8 digits, valid 15
 * minutes, used once; its first three digits name it among the live codes, so five wrong tries
 * against it burn it. A token is 256 random bits, valid until revoked or 120 days unused.
 */
public final class CrewDevices {
  static final Duration CODE_LIFE = Duration.ofMinutes(15);
  static final int MAX_WRONG_TRIES = 5;
  static final Duration UNUSED_LIMIT = Duration.ofDays(120);
  private static final String TOKEN_PREFIX = "twd_";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A code as the office reads it, once. */
  public record SignInCode(String code, Instant expiresAt) {}

  /** A phone's token as the phone receives it, once. */
  public record NewDevice(String token, long deviceId, String crewId, String operatorId) {}

  /** A signed-in phone as the office sees it (never its token). */
  public record Device(
      long deviceId,
      String crewId,
      String operatorId,
      String name,
      Instant createdAt,
      Instant lastUsedAt,
      Instant revokedAt) {}

  private final Pool pool;
  private final Clock clock;

  public CrewDevices(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Whether a bearer credential is a device token (rather than an API key). */
  public static boolean isDeviceToken(String credential) {
    return credential.startsWith(TOKEN_PREFIX);
  }

  /** The operator a crew member belongs to, if the crew member is in the plan. */
  public Future<Optional<String>> operatorOf(String crewId) {
    return pool.preparedQuery(AccessSql.CREW_OPERATOR)
        .execute(Tuple.of(crewId))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(rows.iterator().next().getString(0)));
  }

  /** A new code for a crew member of this operator; the code's first digits are free now. */
  public Future<SignInCode> newCode(String crewId, String operatorId) {
    Instant now = clock.instant();
    return pool.withTransaction(
        conn ->
            conn.query(AccessSql.CODE_LOCK)
                .execute()
                .compose(locked -> freePrefix(conn, now, 0))
                .compose(prefix -> insertCode(conn, crewId, operatorId, prefix, now)));
  }

  private Future<SignInCode> insertCode(
      SqlConnection conn, String crewId, String operatorId, String prefix, Instant now) {
    String code = prefix + String.format("%05d", RANDOM.nextInt(100_000));
    Instant expires = now.plus(CODE_LIFE);
    return conn.preparedQuery(AccessSql.INSERT_CODE)
        .execute(
            Tuple.of(
                crewId,
                operatorId,
                prefix,
                Buffer.buffer(Secrets.sha256(code)),
                Database.utc(now),
                Database.utc(expires)))
        .map(new SignInCode(code, expires));
  }

  private Future<String> freePrefix(SqlConnection conn, Instant now, int attempt) {
    String prefix = String.format("%03d", RANDOM.nextInt(1000));
    return conn.preparedQuery(AccessSql.CODE_PREFIX_TAKEN)
        .execute(Tuple.of(prefix, Database.utc(now), MAX_WRONG_TRIES))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture(prefix);
              }
              if (attempt >= 20) {
                return Future.failedFuture(
                    ApiException.unavailable(
                        "Too many sign-in codes are live at once; try again in a few minutes.",
                        60));
              }
              return freePrefix(conn, now, attempt + 1);
            });
  }

  /**
   * Trades a code for a device token. A used, expired, burnt or wrong code is empty, the same for
   * each; a wrong one counts against the live code its first digits name.
   */
  public Future<Optional<NewDevice>> redeem(String code, String deviceName) {
    if (code == null || !code.matches("[0-9]{8}")) {
      return Future.succeededFuture(Optional.empty());
    }
    Instant now = clock.instant();
    byte[] hash = Secrets.sha256(code);
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(AccessSql.LIVE_CODE)
                .execute(Tuple.of(code.substring(0, 3), Database.utc(now), MAX_WRONG_TRIES))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.succeededFuture(Optional.<NewDevice>empty());
                      }
                      Row r = rows.iterator().next();
                      long codeId = r.getLong("id");
                      if (!r.getBoolean("still_theirs")) {
                        return Future.succeededFuture(Optional.<NewDevice>empty());
                      }
                      if (!MessageDigest.isEqual(hash, r.getBuffer("code_hash").getBytes())) {
                        return conn.preparedQuery(AccessSql.WRONG_TRY)
                            .execute(Tuple.of(codeId))
                            .map(Optional.<NewDevice>empty());
                      }
                      String crewId = r.getString("crew_id");
                      String operatorId = r.getString("operator_id");
                      String token = TOKEN_PREFIX + Secrets.random();
                      return conn.preparedQuery(AccessSql.USE_CODE)
                          .execute(Tuple.of(codeId, Database.utc(now)))
                          .compose(
                              v ->
                                  conn.preparedQuery(AccessSql.INSERT_DEVICE)
                                      .execute(
                                          Tuple.of(
                                              crewId,
                                              operatorId,
                                              Buffer.buffer(Secrets.sha256(token)),
                                              deviceName,
                                              Database.utc(now))))
                          .map(
                              ids ->
                                  Optional.of(
                                      new NewDevice(
                                          token,
                                          ids.iterator().next().getLong(0),
                                          crewId,
                                          operatorId)));
                    }));
  }

  /** The crew device a token stands for, noted as used now; empty if revoked or long unused. */
  public Future<Optional<Caller>> callerForToken(String token) {
    Instant now = clock.instant();
    return pool.preparedQuery(AccessSql.TOUCH_DEVICE)
        .execute(
            Tuple.of(
                Buffer.buffer(Secrets.sha256(token)),
                Database.utc(now),
                Database.utc(now.minus(UNUSED_LIMIT))))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(
                  new Caller.CrewDevice(
                      r.getLong("id"), r.getString("crew_id"), r.getString("operator_id")));
            });
  }

  public Future<List<Device>> devices(String crewId) {
    return pool.preparedQuery(AccessSql.DEVICES_OF_CREW)
        .execute(Tuple.of(crewId))
        .map(
            rows -> {
              List<Device> devices = new ArrayList<>();
              for (Row r : rows) {
                devices.add(
                    new Device(
                        r.getLong("id"),
                        r.getString("crew_id"),
                        r.getString("operator_id"),
                        r.getString("name"),
                        r.getOffsetDateTime("created_at").toInstant(),
                        r.getOffsetDateTime("last_used_at").toInstant(),
                        r.getOffsetDateTime("revoked_at") == null
                            ? null
                            : r.getOffsetDateTime("revoked_at").toInstant()));
              }
              return devices;
            });
  }

  /** Revokes a crew member's device; false if there is no such device of that crew member. */
  public Future<Boolean> revoke(String crewId, long deviceId) {
    return pool.preparedQuery(AccessSql.REVOKE_DEVICE)
        .execute(Tuple.of(deviceId, crewId, Database.utc(clock.instant())))
        .map(rows -> rows.size() > 0);
  }
}
