package travelwatch.platform.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Serves the API contract, {@code openapi.yaml} from the classpath (at {@code /api/openapi.yaml}).
 */
public final class ApiDocs {
  private static final Buffer DOCUMENT = load();

  private ApiDocs() {}

  public static void serve(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8").end(DOCUMENT);
  }

  private static Buffer load() {
    try (InputStream in = ApiDocs.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
