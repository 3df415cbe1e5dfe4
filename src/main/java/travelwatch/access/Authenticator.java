package travelwatch.access;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import travelwatch.platform.http.ApiException;

/**
 * Resolves the request's caller from {@code Authorization: Bearer <key>} and puts it on the
 * context; a missing or unknown key is a 401. Known keys are cached briefly so the ingest path does
 * not hit the database for every request; a revoked key stops working within the TTL.
 */
public final class Authenticator implements Handler<RoutingContext> {
  private static final String CALLER = "travelwatch.caller";
  private static final long CACHE_MILLIS = 30_000;
  private static final int CACHE_LIMIT = 10_000;

  private record Cached(Caller caller, long expiresAt) {}

  private final AccessStore store;
  private final Clock clock;
  private final ConcurrentHashMap<ByteBuffer, Cached> cache = new ConcurrentHashMap<>();

  public Authenticator(AccessStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.fail(ApiException.unauthorized("Send an API key as 'Authorization: Bearer <key>'."));
      return;
    }
    String key = header.substring(7).trim();
    Future<Optional<Caller>> resolved = resolve(key);
    if (!resolved.isComplete()) {
      // The body handler comes after this one: hold the body until it is there to read it.
      ctx.request().pause();
    }
    resolved
        .onSuccess(
            caller -> {
              if (!ctx.request().method().equals(io.vertx.core.http.HttpMethod.POST)) {
                ctx.request().resume();
              }
              if (caller.isEmpty()) {
                ctx.fail(ApiException.unauthorized("The API key is not recognised."));
              } else {
                ctx.put(CALLER, caller.get());
                ctx.next();
              }
            })
        .onFailure(ctx::fail);
  }

  private Future<Optional<Caller>> resolve(String key) {
    ByteBuffer hash = ByteBuffer.wrap(ApiKeys.hash(key));
    long now = clock.millis();
    Cached cached = cache.get(hash);
    if (cached != null && cached.expiresAt() > now) {
      return Future.succeededFuture(Optional.of(cached.caller()));
    }
    return store
        .callerForKeyHash(hash.array())
        .map(
            caller -> {
              if (caller.isPresent()) {
                if (cache.size() >= CACHE_LIMIT) {
                  cache.clear();
                }
                cache.put(hash, new Cached(caller.get(), now + CACHE_MILLIS));
              }
              return caller;
            });
  }

  public static Caller caller(RoutingContext ctx) {
    Caller caller = ctx.get(CALLER);
    if (caller == null) {
      throw ApiException.unauthorized("Send an API key as 'Authorization: Bearer <key>'.");
    }
    return caller;
  }

  /** The caller as staff with at least {@code role}; anyone else gets a 403. */
  public static Caller.Staff requireRole(RoutingContext ctx, Role role) {
    Caller caller = caller(ctx);
    if (caller instanceof Caller.Staff staff && staff.role().atLeast(role)) {
      return staff;
    }
    throw ApiException.forbidden("This needs the " + role.wireName() + " role or above.");
  }
}
