package travelwatch.access;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import travelwatch.platform.http.ApiException;

/**
 * Resolves the request's caller from {@code Authorization: Bearer <key, crew phone's or parent's
 * link token>} or, without that header, from a control-room session cookie, and puts it on the
 * context; missing or unknown credentials are a 401. A request authenticated by the cookie that
 * changes state (POST, PUT, PATCH, DELETE) must also carry the session's CSRF token in {@code
 * X-CSRF-Token}, else it is a 403: a browser sends the cookie with any request, but only the page
 * itself knows the token. Known keys are cached briefly so the ingest path does not hit the
 * database for every request; a revoked key is dropped from every node's cache at once ({@link
 * KeyRevocations}). A key's last use is written at most once a minute per key and node. Unknown
 * keys from one address are slowed as failed logins are ({@link LoginThrottles}). Sessions are
 * never cached: logging out ends one on every node.
 */
public final class Authenticator implements Handler<RoutingContext> {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(Authenticator.class);
  private static final String CALLER = "travelwatch.caller";
  private static final String SESSION = "travelwatch.session";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  static final String NO_CREDENTIALS =
      "Send an API key as 'Authorization: Bearer <key>', or log in.";
  private static final long CACHE_MILLIS = 30_000;
  private static final int CACHE_LIMIT = 10_000;
  private static final long NOTE_USE_MILLIS = 60_000;

  private record Cached(AccessStore.KnownKey key, long expiresAt) {}

  private final AccessStore store;
  private final Sessions sessions;
  private final CrewDevices devices;
  private final ParentLinks parentLinks;
  private final LoginThrottles throttles;
  private final Clock clock;
  private final ConcurrentHashMap<ByteBuffer, Cached> cache = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, Long> usesNoted = new ConcurrentHashMap<>();

  /**
   * {@code clock} times the key cache and keys' last use only; sessions and devices keep the
   * service's clock.
   */
  public Authenticator(
      AccessStore store,
      Sessions sessions,
      CrewDevices devices,
      ParentLinks parentLinks,
      LoginThrottles throttles,
      Clock clock) {
    this.store = store;
    this.sessions = sessions;
    this.devices = devices;
    this.parentLinks = parentLinks;
    this.throttles = throttles;
    this.clock = clock;
  }

  /** Drops every cached key: one was revoked (on any node, or from the command line). */
  void forgetKeys() {
    cache.clear();
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      Cookie cookie = ctx.request().getCookie(Sessions.COOKIE);
      if (cookie != null) {
        bySession(ctx, cookie.getValue());
        return;
      }
    }
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.fail(ApiException.unauthorized(NO_CREDENTIALS));
      return;
    }
    String key = header.substring(7).trim();
    if (CrewDevices.isDeviceToken(key)) {
      // Never cached: a revoked phone is refused at once, on every node.
      proceed(
          ctx,
          devices.callerForToken(key),
          "This phone is not signed in (revoked, or unused for 120 days): ask the office for a"
              + " new sign-in code.");
      return;
    }
    if (ParentLinks.isLinkToken(key)) {
      // Never cached either: a revoked or expired link is refused at once.
      proceed(
          ctx,
          parentLinks.callerForToken(key),
          "This link has ended (revoked, or past the end of the school year): ask the transport"
              + " service for a new one.");
      return;
    }
    proceed(ctx, resolve(key, clientAddress(ctx)), "The API key is not recognised.");
  }

  private void bySession(RoutingContext ctx, String id) {
    Future<Optional<Caller>> resolved =
        sessions
            .find(id)
            .map(
                found -> {
                  if (found.isEmpty()) {
                    return Optional.empty();
                  }
                  Sessions.Session session = found.get();
                  if (changesState(ctx.request().method())
                      && !session.csrfMatches(ctx.request().getHeader(CSRF_HEADER))) {
                    throw ApiException.forbidden(
                        "A request made with the session cookie that changes anything must carry"
                            + " the session's CSRF token in "
                            + CSRF_HEADER
                            + ".");
                  }
                  ctx.put(SESSION, session);
                  return Optional.of(session.caller());
                });
    proceed(ctx, resolved, "The session has ended or expired: log in again.");
  }

  private static boolean changesState(HttpMethod method) {
    return method.equals(HttpMethod.POST)
        || method.equals(HttpMethod.PUT)
        || method.equals(HttpMethod.PATCH)
        || method.equals(HttpMethod.DELETE);
  }

  private void proceed(RoutingContext ctx, Future<Optional<Caller>> resolved, String unknown) {
    if (!resolved.isComplete()) {
      // The body handler comes after this one: hold the body until it is there to read it.
      ctx.request().pause();
    }
    resolved.onComplete(
        caller -> {
          resumeUnlessPost(ctx);
          if (caller.isEmpty()) {
            ctx.fail(ApiException.unauthorized(unknown));
          } else {
            ctx.put(CALLER, caller.get());
            ctx.next();
          }
        },
        failure -> {
          resumeUnlessPost(ctx);
          ctx.fail(failure);
        });
  }

  /** A POST's body handler comes next and reads (and resumes) the body itself. */
  private static void resumeUnlessPost(RoutingContext ctx) {
    if (!ctx.request().method().equals(HttpMethod.POST)) {
      ctx.request().resume();
    }
  }

  private Future<Optional<Caller>> resolve(String key, String address) {
    ByteBuffer hash = ByteBuffer.wrap(ApiKeys.hash(key));
    long now = clock.millis();
    Cached cached = cache.get(hash);
    if (cached != null && cached.expiresAt() > now) {
      return Future.succeededFuture(Optional.of(used(cached.key(), now)));
    }
    Optional<java.time.Duration> wait = throttles.keyWait(address);
    if (wait.isPresent()) {
      return Future.failedFuture(LoginThrottles.tooSoon(wait.get()));
    }
    return store
        .keyForHash(hash.array())
        .compose(
            known -> {
              if (known.isPresent()) {
                if (cache.size() >= CACHE_LIMIT) {
                  cache.clear();
                }
                cache.put(hash, new Cached(known.get(), now + CACHE_MILLIS));
                return Future.succeededFuture(Optional.of(used(known.get(), now)));
              }
              return throttles
                  .unknownKey(address)
                  .map(
                      early -> {
                        if (early.isPresent()) {
                          throw LoginThrottles.tooSoon(early.get());
                        }
                        return Optional.<Caller>empty();
                      });
            });
  }

  /** Notes the key's use in the database, at most once a minute per key on this node. */
  private Caller used(AccessStore.KnownKey key, long now) {
    Long last = usesNoted.get(key.id());
    if (last == null || now - last >= NOTE_USE_MILLIS) {
      if (usesNoted.size() >= CACHE_LIMIT) {
        usesNoted.clear();
      }
      usesNoted.put(key.id(), now);
      // Best effort: a missed note only makes lastUsedAt a minute older.
      store
          .noteKeyUsed(key.id(), clock.instant())
          .onFailure(e -> log.info("Could not note the use of key {}: {}", key.id(), e.toString()));
    }
    return key.caller();
  }

  /** The address the request came from, as the connection shows it. */
  static String clientAddress(RoutingContext ctx) {
    var remote = ctx.request().remoteAddress();
    return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
  }

  /** The caller the request authenticated as; a route's {@link Rule} has admitted it. */
  public static Caller caller(RoutingContext ctx) {
    return found(ctx).orElseThrow(() -> ApiException.unauthorized(NO_CREDENTIALS));
  }

  /** The caller as staff, on a route whose rule admits only staff (a role). */
  public static Caller.Staff staff(RoutingContext ctx) {
    if (caller(ctx) instanceof Caller.Staff staff) {
      return staff;
    }
    throw new IllegalStateException("The route's rule let in a caller who is not staff.");
  }

  /** The caller, if the request came with credentials this authenticator accepted. */
  static Optional<Caller> found(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(CALLER));
  }

  /** The session the request came with, if it was authenticated by the session cookie. */
  public static Optional<Sessions.Session> session(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(SESSION));
  }
}
