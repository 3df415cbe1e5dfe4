package travelwatch.platform.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Guards {@code /metrics} with {@code TW_METRICS_TOKEN}: when set, a scrape must send {@code
 * Authorization: Bearer <token>} (what Prometheus's {@code authorization} setting sends), else it
 * is a 401. The KPI and alert counts are the council's business, not anyone's who reaches the port.
 */
public final class ScrapeToken implements Handler<RoutingContext> {
  private final Optional<byte[]> expected;

  public ScrapeToken(Optional<String> token) {
    this.expected = token.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (expected.isEmpty()) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    // Compared in constant time, so the token cannot be guessed a character at a time.
    if (header != null
        && MessageDigest.isEqual(expected.get(), header.getBytes(StandardCharsets.UTF_8))) {
      ctx.next();
    } else {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
      ctx.fail(
          ApiException.unauthorized(
              "Send the metrics token (TW_METRICS_TOKEN) as 'Authorization: Bearer <token>'."));
    }
  }
}
