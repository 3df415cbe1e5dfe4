package travelwatch.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.support.JarProcess;
import travelwatch.support.SseClient;
import travelwatch.support.TestServer;

@Timeout(120)
@DisplayName("Live streams are capped per caller and per node, and a closed stream frees its seat")
class StreamCapsTest {
  private static TestServer server;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    server =
        new TestServer(
            Map.of("TW_STREAM_MAX_PER_CALLER", "2", "TW_STREAM_MAX", "3"), Clock.systemUTC());
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    server.close();
  }

  private static void assertRefused(String key, String detail) {
    HttpResponse<Buffer> refused = server.get("/api/v1/stream", key);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(refused.getHeader("Retry-After")).isNotNull();
    assertThat(refused.bodyAsJsonObject().getString("detail")).contains(detail);
  }

  @Test
  @DisplayName(
      "A caller past TW_STREAM_MAX_PER_CALLER gets 429 problem+json, another caller still gets a"
          + " stream until the node holds TW_STREAM_MAX; closing a stream lets its caller open one"
          + " again")
  void capsAndRelease() {
    String first = server.scopeKey(Scope.CONTROL);
    String second = server.scopeKey(Scope.CONTROL);
    String third = server.scopeKey(Scope.ADMIN);
    List<SseClient> open = new ArrayList<>();
    try {
      open.add(new SseClient(vertx, server.port, first, null));
      open.add(new SseClient(vertx, server.port, first, null));
      assertThat(open).allSatisfy(s -> assertThat(s.status).isEqualTo(200));
      assertRefused(first, "2 live streams open");

      SseClient other = new SseClient(vertx, server.port, second, null);
      open.add(other);
      assertThat(other.status).isEqualTo(200);
      assertRefused(third, "holds 3 live streams");

      // The seat is given back when the server sees the connection close.
      open.remove(0).close();
      JarProcess.await(
          "a stream for the first caller again",
          Duration.ofSeconds(15),
          () -> {
            SseClient again = new SseClient(vertx, server.port, first, null);
            if (again.status == 200) {
              open.add(again);
              return true;
            }
            again.close();
            return false;
          });
      assertRefused(first, "2 live streams open");
      assertThat(server.get("/health/live", null).statusCode()).isEqualTo(200);
    } finally {
      open.forEach(SseClient::close);
    }
  }
}
