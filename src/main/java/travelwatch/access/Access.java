package travelwatch.access;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import travelwatch.platform.http.ApiException;

/**
 * Who may call each route, written in the route table: {@code allow(api.get("/runs"),
 * role(VIEWER)).handler(...)} records the rule on the route and checks it first, before the body is
 * read and before any handler runs. A router in which a route has no rule is refused at start-up
 * ({@link #requireRules}), and the route-access matrix test calls every route as every kind of
 * caller.
 */
public final class Access {
  /** The route metadata that holds a route's {@link Rule}. */
  public static final String RULE = "access";

  /** The route metadata that marks a route serving nothing itself (see {@link #passOn}). */
  public static final String PASSES_ON = "access.passesOn";

  private Access() {}

  /** A route of a router, with its full path from the top router ({@code /api/v1/runs/:runId}). */
  public record Entry(String path, Route route) {
    public Optional<Rule> rule() {
      return Optional.ofNullable(route.getMetadata(RULE));
    }

    public boolean passesOn() {
      return Boolean.TRUE.equals(route.getMetadata(PASSES_ON));
    }
  }

  /** Records the rule on the route and adds the step that enforces it, first on the route. */
  public static Route allow(Route route, Rule rule) {
    if (route.getMetadata(RULE) != null) {
      throw new IllegalStateException("The route " + route.getName() + " already has a rule.");
    }
    return route.putMetadata(RULE, rule).handler(new Check(rule));
  }

  /**
   * Marks a route whose handlers only look at a request (count it, add headers) and pass it on: the
   * rule of the route that serves the request applies.
   */
  public static Route passOn(Route route) {
    return route.putMetadata(PASSES_ON, true);
  }

  /**
   * Every route of the router and of the routers mounted in it, in order, except the mount points
   * themselves; routes without a path (filters every request passes) included.
   */
  public static List<Entry> routes(Router router) {
    List<Entry> entries = new ArrayList<>();
    collect(router, "", entries);
    return entries;
  }

  private static void collect(Router router, String prefix, List<Entry> entries) {
    for (Route route : router.getRoutes()) {
      String path =
          route.getPath() == null
              ? null
              : prefix + route.getPath() + (route.isExactPath() ? "" : "*");
      if (route.getSubRouter() != null) {
        collect(route.getSubRouter(), stripSlash(route.getPath()), entries);
      } else {
        entries.add(new Entry(path, route));
      }
    }
  }

  private static String stripSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /**
   * Fails when a route with a path has neither a rule nor {@link #passOn}: a route nobody decided
   * the callers of is not served. Routes without a path are filters that every request passes.
   */
  public static void requireRules(Router router) {
    List<String> unruled = new ArrayList<>();
    for (Entry entry : routes(router)) {
      boolean hasPath = entry.path() != null || entry.route().isRegexPath();
      if (hasPath && entry.rule().isEmpty() && !entry.passesOn()) {
        unruled.add(entry.route().methods() + " " + entry.path());
      }
    }
    if (!unruled.isEmpty()) {
      throw new IllegalStateException(
          "Routes without an access rule (write allow(route, rule) in the route table): "
              + unruled);
    }
  }

  /**
   * The step in front of a route. A security policy handler, so that Vert.x lets it come before the
   * route's body handler: a refused caller's body is never read.
   */
  private record Check(Rule rule) implements SecurityPolicyHandler {
    @Override
    public void handle(RoutingContext ctx) {
      Optional<Caller> caller = Authenticator.found(ctx);
      if (caller.isEmpty()) {
        if (rule.admitsNoCredentials()) {
          ctx.next();
        } else {
          ctx.fail(ApiException.unauthorized(Authenticator.NO_CREDENTIALS));
        }
      } else if (rule.permits(caller.get())) {
        ctx.next();
      } else {
        ctx.fail(rule.refusal());
      }
    }
  }
}
