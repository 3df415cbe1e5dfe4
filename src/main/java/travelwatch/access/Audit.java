package travelwatch.access;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit steps written in the route table beside the access rule: {@code allow(api.get(
 * "/pupils/:pupilId/today"), role(VIEWER)).handler(audited("pupil.lookup", "pupil", "pupilId"))...}
 * records who reached which object before the route's handler runs; a request whose access cannot
 * be recorded is answered 503 and reaches nothing.
 */
public final class Audit {
  private static final Logger log = LoggerFactory.getLogger(Audit.class);
  private static final String TRAIL = "travelwatch.audit";

  /** What a pupil's data is recorded under: the object type of a pupil. */
  public static final String PUPIL = "pupil";

  private Audit() {}

  /** The step, early on the API router, that makes the trail known to every route's audit step. */
  public static Handler<RoutingContext> using(AuditTrail trail) {
    return ctx -> {
      ctx.put(TRAIL, trail);
      ctx.next();
    };
  }

  /**
   * Records {@code action} on the object named by the path parameter {@code param} (none: the
   * caller's own pupil for a parent's link, else no object), then passes the request on.
   */
  public static Handler<RoutingContext> audited(String action, String objectType, String param) {
    return ctx -> {
      String objectId = param == null ? null : ctx.pathParam(param);
      Caller caller = Authenticator.caller(ctx);
      String pupilId = PUPIL.equals(objectType) ? objectId : null;
      if (caller instanceof Caller.ParentLink link
          && PUPIL.equals(objectType)
          && objectId == null) {
        objectId = link.pupilId();
        pupilId = link.pupilId();
      }
      record(ctx, action, objectType, objectId, pupilId)
          .onSuccess(v -> ctx.next())
          .onFailure(ctx::fail);
    };
  }

  /** Records an action the handler itself decides on (sign-in, a user it names, ...). */
  public static Future<Void> record(
      RoutingContext ctx, String action, String objectType, String objectId, String pupilId) {
    AuditTrail trail = ctx.get(TRAIL);
    String actor = Authenticator.found(ctx).map(Caller::actor).orElse("anonymous");
    return record(trail, actor, address(ctx), action, objectType, objectId, pupilId);
  }

  /** Records an action by a named actor (a sign-in before there is a caller, a lockout). */
  public static Future<Void> recordAs(
      RoutingContext ctx, String actor, String action, String objectType, String objectId) {
    return record(ctx.get(TRAIL), actor, address(ctx), action, objectType, objectId, null);
  }

  private static Future<Void> record(
      AuditTrail trail,
      String actor,
      String address,
      String action,
      String objectType,
      String objectId,
      String pupilId) {
    if (trail == null) {
      return Future.failedFuture(new IllegalStateException("No audit trail on this router."));
    }
    return trail
        .record(new AuditTrail.Entry(actor, address, action, objectType, objectId, pupilId))
        .onFailure(
            e -> log.error("Could not record the audit entry for {}: {}", action, e.toString()));
  }

  /** The client's address as the server sees it. */
  public static String address(RoutingContext ctx) {
    SocketAddress remote = ctx.request().remoteAddress();
    return remote == null ? null : remote.hostAddress();
  }
}
