package travelwatch.access;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
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
  public record User(long id, String email, Role role, String schoolId, String passwordHash) {}

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

  /** The caller a key stands for, if the key exists and is not revoked. */
  public Future<Optional<Caller>> callerForKeyHash(byte[] hash) {
    return pool.preparedQuery(AccessSql.KEY_BY_HASH)
        .execute(Tuple.of(Buffer.buffer(hash)))
        .map(
            rows ->
                rows.size() == 0 ? Optional.empty() : Optional.of(caller(rows.iterator().next())));
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

  /** Adds a user, or changes the role and password of an existing one with that email. */
  public Future<Long> putUser(String email, Role role, String passwordHash) {
    return pool.preparedQuery(AccessSql.INSERT_USER)
        .execute(Tuple.of(email, role.wireName(), passwordHash, null))
        .map(rows -> rows.iterator().next().getLong(0));
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
              return pool.preparedQuery(AccessSql.INSERT_USER)
                  .execute(Tuple.of(email, SCHOOL_ROLE, passwordHash, schoolId))
                  .map(ids -> ids.iterator().next().getLong(0));
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
        r.getString("password_hash"));
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
