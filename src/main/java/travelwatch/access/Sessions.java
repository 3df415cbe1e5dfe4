package travelwatch.access;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import travelwatch.config.SessionConfig;

/**
 * Control-room sessions: logging in with email and password, finding the session a cookie names,
 * and logging out. Sessions live in PostgreSQL (only a hash of each id), so every node sees the
 * same ones and a restart keeps them; idle and absolute timeouts are checked there against the
 * service's clock on every request.
 */
public final class Sessions {
  public static final String COOKIE = "tw_session";

  /**
   * Stands in for the stored hash when no user has the email, so a login for an unknown email costs
   * the same full PBKDF2 work as a wrong password and the two cannot be told apart by timing. No
   * password derives to it.
   */
  private static final String NO_USER =
      "pbkdf2-sha256$"
          + PasswordHasher.ITERATIONS
          + "$"
          + Base64.getEncoder().encodeToString(new byte[16])
          + "$"
          + Base64.getEncoder().encodeToString(new byte[32]);

  /** A live session: whom it is for, and the token its state-changing requests must carry. */
  public record Session(byte[] idHash, String email, Role role, String schoolId, String csrfToken) {
    /** Control-room staff act with their role; a school's staff as that school's. */
    public Caller caller() {
      return schoolId != null
          ? new Caller.SchoolStaff(email, schoolId)
          : new Caller.Staff(email, role, true);
    }

    /** The role as the page reads it: a staff role, or {@code school}. */
    public String roleName() {
      return schoolId != null ? AccessStore.SCHOOL_ROLE : role.wireName();
    }

    /** True when {@code token} is this session's CSRF token. */
    public boolean csrfMatches(String token) {
      return Secrets.same(csrfToken, token);
    }
  }

  /** A session just started: the id for the cookie (known only to the browser after this). */
  public record Started(String id, Session session) {}

  private final AccessStore store;
  private final Vertx vertx;
  private final Clock clock;
  private final SessionConfig config;

  public Sessions(AccessStore store, Vertx vertx, Clock clock, SessionConfig config) {
    this.store = store;
    this.vertx = vertx;
    this.clock = clock;
    this.config = config;
  }

  /**
   * Checks the password (on a worker thread: it is deliberately slow) and starts a new session with
   * a new id; empty when the email is unknown, the user disabled or the password wrong, which all
   * look the same.
   */
  public Future<Optional<Started>> login(String email, String password) {
    return store
        .user(email)
        .compose(
            user ->
                vertx
                    .executeBlocking(
                        () ->
                            PasswordHasher.matches(
                                password.toCharArray(),
                                // A council account without a password here: like no user.
                                user.map(AccessStore.User::passwordHash).orElse(NO_USER)),
                        false)
                    .compose(
                        matches ->
                            matches && user.isPresent() && !user.get().disabled()
                                ? start(user.get()).map(Optional::of)
                                : Future.succeededFuture(Optional.empty())));
  }

  /** Starts a new session for the user, with a new id: after a password or a council sign-in. */
  Future<Started> start(AccessStore.User user) {
    Instant now = clock.instant();
    String id = Secrets.random();
    Session session =
        new Session(
            Secrets.sha256(id), user.email(), user.role(), user.schoolId(), Secrets.random());
    // Expired sessions are swept here, so no timer is needed to keep the table small.
    return store
        .deleteExpiredSessions(idleSince(now), startedSince(now))
        .compose(v -> store.insertSession(session.idHash(), user.id(), session.csrfToken(), now))
        .map(new Started(id, session));
  }

  /** The live session a cookie value names, noted as used now; empty if unknown or expired. */
  public Future<Optional<Session>> find(String id) {
    if (id == null || id.isEmpty() || id.length() > 100) {
      return Future.succeededFuture(Optional.empty());
    }
    byte[] hash = Secrets.sha256(id);
    Instant now = clock.instant();
    return store
        .touchSession(hash, now, idleSince(now), startedSince(now))
        .compose(
            found -> {
              if (found.isPresent()) {
                AccessStore.StoredSession s = found.get();
                return Future.succeededFuture(
                    Optional.of(
                        new Session(hash, s.email(), s.role(), s.schoolId(), s.csrfToken())));
              }
              // Expired (or never was): make sure nothing of it is left.
              return store.deleteSession(hash).map(Optional.<Session>empty());
            });
  }

  /** Ends the session: its row is deleted, so its cookie is worthless on every node at once. */
  public Future<Void> end(Session session) {
    return store.deleteSession(session.idHash());
  }

  /** Ends the session a cookie value names, if any: a new login replaces the old session. */
  public Future<Void> end(String id) {
    if (id == null || id.isEmpty() || id.length() > 100) {
      return Future.succeededFuture();
    }
    return store.deleteSession(Secrets.sha256(id));
  }

  /** The session cookie: not readable by scripts, never sent by other sites' requests. */
  public Cookie cookie(String id) {
    return Cookie.cookie(COOKIE, id)
        .setPath("/")
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT)
        .setSecure(config.secureCookies());
  }

  /** Tells the browser to drop the session cookie. */
  public Cookie removal() {
    return cookie("").setMaxAge(0);
  }

  private Instant idleSince(Instant now) {
    return now.minus(config.idle());
  }

  private Instant startedSince(Instant now) {
    return now.minus(config.absolute());
  }
}
