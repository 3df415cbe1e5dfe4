package travelwatch.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import travelwatch.platform.db.Database;

/**
 * The router's only failure handler: maps any failure to an RFC 9457 problem document, and does
 * nothing when the response has already ended.
 */
public final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);
  public static final String PROBLEM_JSON = "application/problem+json";

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    Throwable failure = ctx.failure();
    if (!(failure instanceof ApiException) && failure != null && Database.isUnavailable(failure)) {
      // Anything that needed PostgreSQL while it is away: the client retries, as with ingest.
      log.warn(
          "Database unavailable on {} {}: {}",
          ctx.request().method(),
          ctx.normalizedPath(),
          failure.toString());
      failure =
          ApiException.unavailable(
              "The database is unavailable; nothing was changed. Retry shortly.", 2);
    }
    JsonObject problem;
    int status;
    if (failure instanceof ApiException api) {
      status = api.status();
      problem = problem(api.type(), api.title(), status, api.getMessage());
      if (!api.errors().isEmpty()) {
        JsonArray errors = new JsonArray();
        api.errors().forEach(e -> errors.add(e.toJson()));
        problem.put("errors", errors);
      }
      if (api.retryAfterSeconds() != null) {
        response.putHeader("Retry-After", String.valueOf(api.retryAfterSeconds()));
      }
    } else if (failure instanceof HttpException http) {
      status = http.getStatusCode();
      problem = forStatus(status, http.getPayload());
    } else if (failure == null && ctx.statusCode() >= 400) {
      status = ctx.statusCode();
      problem = forStatus(status, null);
    } else {
      status = 500;
      log.error(
          "Unhandled failure on {} {}", ctx.request().method(), ctx.normalizedPath(), failure);
      problem =
          problem("internal", "Internal error", 500, "The server could not complete the request.");
    }
    response.setStatusCode(status).putHeader("Content-Type", PROBLEM_JSON).end(problem.encode());
  }

  /** The problem document for a status raised by the router or a Vert.x handler. */
  public static JsonObject forStatus(int status, String detail) {
    return switch (status) {
      case 400 ->
          problem(
              "validation", "Invalid request", 400, orElse(detail, "The request is malformed."));
      case 401 ->
          problem(
              "unauthorized", "Unauthorized", 401, orElse(detail, "A valid API key is required."));
      case 403 -> problem("forbidden", "Forbidden", 403, orElse(detail, "Not allowed."));
      case 404 -> problem("not-found", "Not found", 404, orElse(detail, "No such resource."));
      case 405 ->
          problem(
              "method-not-allowed",
              "Method not allowed",
              405,
              orElse(detail, "That method is not allowed here."));
      case 413 ->
          problem(
              "too-large",
              "Request body too large",
              413,
              orElse(detail, "The request body is over the limit for this endpoint."));
      case 415 ->
          problem(
              "unsupported-media-type",
              "Unsupported media type",
              415,
              orElse(detail, "Send application/json."));
      default -> problem("error", "Error", status, orElse(detail, "The request failed."));
    };
  }

  public static JsonObject problem(String type, String title, int status, String detail) {
    return new JsonObject()
        .put("type", "/problems/" + type)
        .put("title", title)
        .put("status", status)
        .put("detail", detail);
  }

  private static String orElse(String s, String fallback) {
    return s == null || s.isBlank() ? fallback : s;
  }
}
