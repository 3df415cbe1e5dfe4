package travelwatch.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * The first step of every request: a body declared larger than its route may take is refused with
 * 413 before anyone authenticates or reads it. Every route's limit is the default unless it is
 * named here with a larger one; routes that read a body also hold what they read (a chunked body's
 * too) to a limit of their own, never more than this.
 */
public final class BodyLimit implements Handler<RoutingContext> {
  private final long defaultBytes;
  private final Map<String, Long> largerByPath;

  public BodyLimit(long defaultBytes, Map<String, Long> largerByPath) {
    this.defaultBytes = defaultBytes;
    this.largerByPath = Map.copyOf(largerByPath);
  }

  /** The most a body to this path may declare. */
  public long limit(String path) {
    return largerByPath.getOrDefault(path, defaultBytes);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        ctx.fail(
            ApiException.badRequest(
                "Content-Length is not a number",
                List.of(FieldProblem.at("Content-Length", "must be a whole number of bytes"))));
        return;
      }
      if (length > limit(ctx.request().path())) {
        ctx.fail(413);
        return;
      }
    }
    ctx.next();
  }
}
