package travelwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import travelwatch.support.TestServer;

@Timeout(60)
@DisplayName("Every page (control room, school view, crew, parent) carries the control room's CSP")
class PageHeadersTest {
  private static TestServer server;
  private static String controlRoomPolicy;

  @BeforeAll
  static void start() {
    server = new TestServer(Map.of(), Clock.systemUTC());
    controlRoomPolicy = server.get("/", null).getHeader("Content-Security-Policy");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/",
        "/index.html",
        "/crew/",
        "/crew/index.html",
        "/parent/",
        "/parent/index.html",
        "/js/app.js",
        "/crew/app.js",
        "/crew/sw.js",
        "/parent/parent.js",
        "/webjars/chart.js/4.5.1/dist/chart.umd.min.js"
      })
  @DisplayName(
      "The page (the school view is the control room's page) and its files are sent with the"
          + " same Content-Security-Policy, nosniff and no referrer")
  void pageHeaders(String path) {
    assertThat(controlRoomPolicy)
        .contains(
            "default-src 'self'",
            "script-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'")
        .doesNotContain("unsafe-eval");
    HttpResponse<Buffer> page = server.get(path, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("Content-Security-Policy")).isEqualTo(controlRoomPolicy);
    assertThat(page.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(page.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
  }
}
