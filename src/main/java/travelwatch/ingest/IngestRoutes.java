package travelwatch.ingest;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Access.passOn;
import static travelwatch.access.Audit.audited;
import static travelwatch.access.Rule.feedsAndOperators;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.function.Supplier;
import travelwatch.access.Authenticator;
import travelwatch.access.Caller;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;

/** {@code POST /api/v1/events}: parse, rate-limit, validate, authorise, store, then 202. */
public final class IngestRoutes {
  private final EventParser parser;
  private final EventAuthorizer authorizer;
  private final RateLimiter rateLimiter;
  private final Supplier<GroupCommitWriter> writers;
  private final IngestMetrics metrics;
  private final long bodyLimitBytes;
  private final RecentEvents recent;

  public IngestRoutes(
      EventParser parser,
      EventAuthorizer authorizer,
      RateLimiter rateLimiter,
      Supplier<GroupCommitWriter> writers,
      IngestMetrics metrics,
      long bodyLimitBytes,
      RecentEvents recent) {
    this.parser = parser;
    this.authorizer = authorizer;
    this.rateLimiter = rateLimiter;
    this.writers = writers;
    this.metrics = metrics;
    this.bodyLimitBytes = bodyLimitBytes;
    this.recent = recent;
  }

  /** Counts every request to the endpoint, including those refused before they reach it. */
  public void mountTracking(Router router) {
    passOn(router.post("/api/v1/events")).handler(metrics::track);
  }

  /**
   * A writer of the calling HTTP event loop's own, for its routes that store events: this
   * endpoint's and trackers' positions.
   */
  public GroupCommitWriter writer() {
    return writers.get();
  }

  /** Mounts the endpoint on this HTTP event loop's router, with the loop's writer. */
  public void mount(Router api, GroupCommitWriter writer) {
    allow(api.post("/events").consumes("application/json"), feedsAndOperators())
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes))
        .handler(ctx -> post(ctx, writer));
    allow(api.get("/events/recent"), feedsAndOperators())
        .handler(audited("events.recent", "events", null))
        .handler(this::recent);
  }

  /** The last events this key (or this crew member's phones) sent, newest first, as stored. */
  private void recent(RoutingContext ctx) {
    String text = ctx.queryParams().get("limit");
    int limit;
    try {
      limit = text == null ? 50 : Integer.parseInt(text);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > 500) {
      throw ApiException.badRequest(
          "Bad limit.", List.of(FieldProblem.at("limit", "must be a whole number from 1 to 500")));
    }
    recent
        .of(Authenticator.caller(ctx).owner(), limit)
        .map(items -> new JsonObject().put("items", items))
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private void post(RoutingContext ctx, GroupCommitWriter writer) {
    Caller caller = Authenticator.caller(ctx);
    List<Object> items = EventParser.items(ctx.body().buffer());
    rateLimiter.acquire(caller.owner(), items.size());
    List<IncomingEvent> events = parser.parse(items);
    authorizer
        .authorize(caller, events)
        .compose(
            v ->
                writer.submit(
                    caller.owner(),
                    caller instanceof Caller.CrewDevice ? Source.CREW : Source.API,
                    events))
        .onSuccess(
            outcome ->
                ctx.response()
                    .setStatusCode(202)
                    .putHeader("Content-Type", "application/json")
                    .end(
                        "{\"accepted\":"
                            + outcome.accepted()
                            + ",\"duplicates\":"
                            + outcome.duplicates()
                            + "}"))
        .onFailure(ctx::fail);
  }
}
