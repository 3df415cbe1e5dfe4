package travelwatch.access;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import travelwatch.platform.Rfc3339;
import travelwatch.platform.db.Database;
import travelwatch.platform.http.ApiException;

/** The only code that reads and writes API keys, users and sessions. */
public final class AccessStore {
  private final Pool pool;

  public AccessStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * A stored user: control-room staff with a {@code role}, or a school's staff with the {@code
   * schoolId} they see (and no role).
   */
  public record User(
      long id, String email, Role role, String schoolId, String passwordHash, boolean disabled) {}

  /** A key as its listing shows it: never the key, nor its hash. */
  public record StoredKey(
      long id,
      String prefix,
      String operatorId,
      String scope,
      Instant createdAt,
      Instant lastUsedAt,
      Instant revokedAt) {
    public JsonObject toJson(ZoneId zone) {
      JsonObject json = new JsonObject().put("id", id).put("prefix", prefix);
      if (operatorId != null) {
        json.put("operatorId", operatorId);
      }
      if (scope != null) {
        json.put("scope", scope);
      }
      json.put("createdAt", Rfc3339.format(createdAt, zone))
          .put("lastUsedAt", Rfc3339.format(lastUsedAt, zone));
      if (revokedAt != null) {
        json.put("revokedAt", Rfc3339.format(revokedAt, zone));
      }
      return json;
    }
  }

  /** A user as the admins' listing shows them; {@code lockedUntil} while too many logins failed. */
  public record UserListing(
      String email,
      String role,
      String schoolId,
      Instant createdAt,
      Instant disabledAt,
      Instant lockedUntil) {
    public JsonObject toJson(ZoneId zone) {
      JsonObject json = new JsonObject().put("email", email).put("role", role);
      if (schoolId != null) {
        json.put("schoolId", schoolId);
      }
      json.put("createdAt", Rfc3339.format(createdAt, zone)).put("disabled", disabledAt != null);
      if (disabledAt != null) {
        json.put("disabledAt", Rfc3339.format(disabledAt, zone));
      }
      if (lockedUntil != null) {
        json.put("lockedUntil", Rfc3339.format(lockedUntil, zone));
      }
      return json;
    }
  }

  /**
   * What an admin changes of a user: each part null when left as it is. {@code role} is a staff
   * role's name or {@code school} (with {@code schoolId}).
   */
  public record UserChange(String role, String schoolId, String passwordHash, Boolean disabled) {
    boolean endsSessions() {
      return role != null || passwordHash != null || Boolean.TRUE.equals(disabled);
    }
  }

  /** A key that exists and is not revoked, and the caller it stands for. */
  public record KnownKey(long id, Caller caller) {}

  /** Creates a key for an operator; fails with 404 if there is no such operator. */
  public Future<String> createOperatorKey(String operatorId) {
    return pool.preparedQuery(AccessSql.OPERATOR_EXISTS)
        .execute(Tuple.of(operatorId))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(
                    ApiException.notFound(
                        "There is no operator '" + operatorId + "' in the plan."));
              }
              return insertKey(operatorId, null);
            });
  }

  public Future<String> createScopeKey(Scope scope) {
    return insertKey(null, scope.wireName());
  }

  private Future<String> insertKey(String operatorId, String scope) {
    String key = ApiKeys.newKey();
    return pool.preparedQuery(AccessSql.INSERT_KEY)
        .execute(Tuple.of(Buffer.buffer(ApiKeys.hash(key)), ApiKeys.prefix(key), operatorId, scope))
        .map(key);
  }

  /** The key and the caller it stands for, if the key exists and is not revoked. */
  public Future<Optional<KnownKey>> keyForHash(byte[] hash) {
    return pool.preparedQuery(AccessSql.KEY_BY_HASH)
        .execute(Tuple.of(Buffer.buffer(hash)))
        .map(rows -> firstRow(rows, r -> new KnownKey(r.getLong("id"), caller(r))));
  }

  /** Every key, newest first. */
  public Future<List<StoredKey>> keys() {
    return pool.preparedQuery(AccessSql.KEYS)
        .execute()
        .map(
            rows -> {
              List<StoredKey> keys = new ArrayList<>();
              rows.forEach(r -> keys.add(storedKey(r)));
              return keys;
            });
  }

  /** Revokes a key (at once on every node: see {@link KeyRevocations}); empty if there is none. */
  public Future<Optional<StoredKey>> revokeKey(long id, Instant now) {
    return pool.preparedQuery(AccessSql.REVOKE_KEY)
        .execute(Tuple.of(id, Database.utc(now)))
        .map(rows -> firstRow(rows, AccessStore::storedKey));
  }

  /** Notes the key as used now, unless it was less than a minute ago. */
  Future<Void> noteKeyUsed(long id, Instant now) {
    return pool.preparedQuery(AccessSql.KEY_USED)
        .execute(Tuple.of(id, Database.utc(now)))
        .mapEmpty();
  }

  private static StoredKey storedKey(Row r) {
    return new StoredKey(
        r.getLong("id"),
        r.getString("prefix"),
        r.getString("operator_id"),
        r.getString("scope"),
        instant(r, "created_at"),
        instant(r, "last_used_at"),
        instant(r, "revoked_at"));
  }

  private static Instant instant(Row r, String column) {
    OffsetDateTime time = r.getOffsetDateTime(column);
    return time == null ? null : time.toInstant();
  }

  /** Every user, or the one with {@code email}, with any lock on their account at {@code now}. */
  public Future<List<UserListing>> users(String email, Instant now) {
    return pool.preparedQuery(AccessSql.USERS)
        .execute(Tuple.of(Database.utc(now), email))
        .map(
            rows -> {
              List<UserListing> users = new ArrayList<>();
              rows.forEach(
                  r ->
                      users.add(
                          new UserListing(
                              r.getString("email"),
                              r.getString("role"),
                              r.getString("school_id"),
                              instant(r, "created_at"),
                              instant(r, "disabled_at"),
                              instant(r, "locked_until"))));
              return users;
            });
  }

  /**
   * Changes a user in one transaction; a new role or password, or disabling, ends their sessions
   * but {@code keepSession} (the caller's own, when they change themselves), and a new password
   * lifts a lock on the account. Empty when there is no such user; 404 when a school is unknown.
   */
  public Future<Optional<UserListing>> changeUser(
      String email, UserChange change, byte[] keepSession, Instant now) {
    return pool.withTransaction(
            sql ->
                sql.preparedQuery(AccessSql.USER_FOR_CHANGE)
                    .execute(Tuple.of(email))
                    .compose(
                        rows -> {
                          if (rows.size() == 0) {
                            return Future.succeededFuture(false);
                          }
                          long id = rows.iterator().next().getLong("id");
                          return applyChange(sql, id, email, change, keepSession, now).map(true);
                        }))
        .compose(
            found ->
                found
                    ? users(email, now).map(list -> list.stream().findFirst())
                    : Future.succeededFuture(Optional.empty()));
  }

  private static Future<Void> applyChange(
      SqlClient sql, long id, String email, UserChange change, byte[] keepSession, Instant now) {
    Future<?> done = Future.succeededFuture();
    if (change.role() != null) {
      done =
          done.compose(
                  v ->
                      change.schoolId() == null
                          ? Future.succeededFuture()
                          : sql.preparedQuery(AccessSql.SCHOOL_EXISTS)
                              .execute(Tuple.of(change.schoolId()))
                              .compose(
                                  found ->
                                      found.size() == 0
                                          ? Future.failedFuture(
                                              ApiException.notFound(
                                                  "There is no school '"
                                                      + change.schoolId()
                                                      + "' in the plan."))
                                          : Future.succeededFuture()))
              .compose(
                  v ->
                      sql.preparedQuery(AccessSql.SET_ROLE)
                          .execute(Tuple.of(id, change.role(), change.schoolId())));
    }
    if (change.passwordHash() != null) {
      done =
          done.compose(
                  v ->
                      sql.preparedQuery(AccessSql.SET_PASSWORD)
                          .execute(Tuple.of(id, change.passwordHash())))
              .compose(
                  v ->
                      sql.preparedQuery(AccessSql.THROTTLE_CLEAR)
                          .execute(
                              Tuple.of(LoginThrottles.ACCOUNT, LoginThrottles.account(email))));
    }
    if (change.disabled() != null) {
      done =
          done.compose(
              v ->
                  sql.preparedQuery(AccessSql.SET_DISABLED)
                      .execute(Tuple.of(id, change.disabled() ? Database.utc(now) : null)));
    }
    if (change.endsSessions()) {
      byte[] keep = Boolean.TRUE.equals(change.disabled()) ? null : keepSession;
      done = done.compose(v -> endSessionsOfUser(sql, id, keep));
    }
    return done.mapEmpty();
  }

  private static Future<Void> endSessionsOfUser(SqlClient sql, long userId, byte[] keep) {
    return sql.preparedQuery(AccessSql.DELETE_SESSIONS_OF_USER)
        .execute(Tuple.of(userId, keep == null ? null : Buffer.buffer(keep)))
        .mapEmpty();
  }

  private static Caller caller(Row row) {
    long id = row.getLong("id");
    String operatorId = row.getString("operator_id");
    if (operatorId != null) {
      return new Caller.OperatorKey(id, operatorId);
    }
    Scope scope = Scope.parse(row.getString("scope"));
    return switch (scope) {
      case ADMIN -> new Caller.Staff("key-" + id, Role.ADMIN, false);
      case CONTROL -> new Caller.Staff("key-" + id, Role.VIEWER, false);
      default -> new Caller.FeedKey(id, scope);
    };
  }

  /**
   * Adds a user, or changes the role and password of an existing one with that email (which ends
   * their sessions).
   */
  public Future<Long> putUser(String email, Role role, String passwordHash) {
    return upsertUser(pool, email, role.wireName(), passwordHash, null);
  }

  private static Future<Long> upsertUser(
      SqlClient sql, String email, String role, String passwordHash, String schoolId) {
    return sql.preparedQuery(AccessSql.INSERT_USER)
        .execute(Tuple.of(email, role, passwordHash, schoolId))
        .compose(
            rows -> {
              long id = rows.iterator().next().getLong(0);
              return endSessionsOfUser(sql, id, null).map(id);
            });
  }

  /** Adds a school's member of staff (or changes an existing user into one); 404 if no school. */
  public Future<Long> putSchoolUser(String email, String schoolId, String passwordHash) {
    return schoolExists(schoolId)
        .compose(
            exists -> {
              if (!exists) {
                return Future.failedFuture(
                    ApiException.notFound("There is no school '" + schoolId + "' in the plan."));
              }
              return upsertUser(pool, email, SCHOOL_ROLE, passwordHash, schoolId);
            });
  }

  /** How a school's staff are stored: the role {@code school}, beside the staff roles. */
  static final String SCHOOL_ROLE = "school";

  private static Role role(Row r) {
    String role = r.getString("role");
    return SCHOOL_ROLE.equals(role) ? null : Role.parse(role);
  }

  public Future<Optional<User>> user(String email) {
    return pool.preparedQuery(AccessSql.USER_BY_EMAIL)
        .execute(Tuple.of(email))
        .map(rows -> firstRow(rows, AccessStore::user));
  }

  private static User user(Row r) {
    return new User(
        r.getLong("id"),
        r.getString("email"),
        role(r),
        r.getString("school_id"),
        r.getString("password_hash"),
        r.getValue("disabled_at") != null);
  }

  /**
   * The user of a council account, added or given this sign-in's role ({@code schoolId} for a
   * school's staff, else {@code role}); empty when its email is another council account's.
   */
  Future<Optional<User>> putCouncilUser(
      String issuer, String subject, String email, Role role, String schoolId) {
    String roleName = schoolId != null ? SCHOOL_ROLE : role.wireName();
    return pool.withTransaction(
        sql ->
            sql.preparedQuery(AccessSql.UPDATE_COUNCIL_USER)
                .execute(Tuple.of(roleName, schoolId, issuer, subject))
                .compose(
                    updated ->
                        updated.size() > 0
                            ? Future.succeededFuture(updated)
                            : sql.preparedQuery(AccessSql.INSERT_COUNCIL_USER)
                                .execute(Tuple.of(email, roleName, schoolId, issuer, subject)))
                .map(rows -> firstRow(rows, AccessStore::user)));
  }

  /** Whether the plan has this school. */
  Future<Boolean> schoolExists(String schoolId) {
    return pool.preparedQuery(AccessSql.SCHOOL_EXISTS)
        .execute(Tuple.of(schoolId))
        .map(rows -> rows.size() > 0);
  }

  /** A sign-in at the council's provider, started {@code now}. */
  record PendingSignIn(byte[] browserHash, String codeVerifier, String nonce) {}

  Future<Void> insertSignIn(byte[] stateHash, PendingSignIn pending, Instant now, Instant staleAt) {
    return pool.preparedQuery(AccessSql.DELETE_STALE_SIGN_INS)
        .execute(Tuple.of(Database.utc(staleAt)))
        .compose(
            v ->
                pool.preparedQuery(AccessSql.INSERT_SIGN_IN)
                    .execute(
                        Tuple.of(
                            Buffer.buffer(stateHash),
                            Buffer.buffer(pending.browserHash()),
                            pending.codeVerifier(),
                            pending.nonce(),
                            Database.utc(now))))
        .mapEmpty();
  }

  /**
   * The sign-in this state hash names, started after {@code since}, taken so none can use it again.
   */
  Future<Optional<PendingSignIn>> takeSignIn(byte[] stateHash, Instant since) {
    return pool.preparedQuery(AccessSql.TAKE_SIGN_IN)
        .execute(Tuple.of(Buffer.buffer(stateHash), Database.utc(since)))
        .map(
            rows ->
                firstRow(
                    rows,
                    r ->
                        new PendingSignIn(
                            r.getBuffer("browser_hash").getBytes(),
                            r.getString("code_verifier"),
                            r.getString("nonce"))));
  }

  /** The email addresses of every user with one of the roles, read with the caller's connection. */
  public static Future<List<String>> emailsOfRoles(SqlClient sql, List<Role> roles) {
    String[] names = roles.stream().map(Role::wireName).toArray(String[]::new);
    return sql.preparedQuery(AccessSql.EMAILS_OF_ROLES)
        .execute(Tuple.of(names))
        .map(
            rows -> {
              List<String> emails = new ArrayList<>();
              rows.forEach(r -> emails.add(r.getString("email")));
              return emails;
            });
  }

  /** A stored session as a request finds it: its user and CSRF token. */
  public record StoredSession(String email, Role role, String schoolId, String csrfToken) {}

  Future<Void> insertSession(byte[] idHash, long userId, String csrfToken, Instant now) {
    return pool.preparedQuery(AccessSql.INSERT_SESSION)
        .execute(Tuple.of(Buffer.buffer(idHash), userId, csrfToken, Database.utc(now)))
        .mapEmpty();
  }

  /**
   * The session, if it was last used after {@code idleSince} and started after {@code
   * startedSince}; finding it notes it as used {@code now}.
   */
  Future<Optional<StoredSession>> touchSession(
      byte[] idHash, Instant now, Instant idleSince, Instant startedSince) {
    return pool.preparedQuery(AccessSql.TOUCH_SESSION)
        .execute(
            Tuple.of(
                Buffer.buffer(idHash),
                Database.utc(now),
                Database.utc(idleSince),
                Database.utc(startedSince)))
        .map(
            rows ->
                firstRow(
                    rows,
                    r ->
                        new StoredSession(
                            r.getString("email"),
                            role(r),
                            r.getString("school_id"),
                            r.getString("csrf_token"))));
  }

  private static <T> Optional<T> firstRow(RowSet<Row> rows, Function<Row, T> read) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(read.apply(rows.iterator().next()));
  }

  Future<Void> deleteSession(byte[] idHash) {
    return pool.preparedQuery(AccessSql.DELETE_SESSION)
        .execute(Tuple.of(Buffer.buffer(idHash)))
        .mapEmpty();
  }

  Future<Void> deleteExpiredSessions(Instant idleSince, Instant startedSince) {
    return pool.preparedQuery(AccessSql.DELETE_EXPIRED_SESSIONS)
        .execute(Tuple.of(Database.utc(idleSince), Database.utc(startedSince)))
        .mapEmpty();
  }
}
