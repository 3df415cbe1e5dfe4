package travelwatch.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import travelwatch.access.Access;
import travelwatch.access.Scope;
import travelwatch.support.TestServer;

/**
 * Every route that takes a body, read from the router itself: a body over the limit is refused with
 * 413 problem+json before anything reads it, and the server stays healthy.
 */
@Timeout(120)
@DisplayName("Every endpoint has a body limit")
class BodyLimitsTest {
  private static final long LIMIT = 1024 * 1024;
  private static final Set<HttpMethod> WITH_BODY =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
  private static TestServer server;
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    // The plan's own limit, at its least, is the default's: 1 MiB.
    server = new TestServer(Map.of("TW_PLAN_BODY_LIMIT_MB", "1"), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Each method and path, parameters filled, of every route that can take a body. */
  static Stream<String> routes() {
    return Access.routes(server.server.router()).stream()
        .filter(e -> e.path() != null && !e.passesOn() && e.route().methods() != null)
        .flatMap(
            e ->
                e.route().methods().stream()
                    .filter(WITH_BODY::contains)
                    .map(m -> m.name() + " " + e.path().replaceAll(":[A-Za-z]+", "1")));
  }

  private static HttpResponse<String> send(String route, byte[] body, String key) throws Exception {
    String[] parts = route.split(" ", 2);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + server.port + parts[1]))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .method(parts[0], BodyPublishers.ofByteArray(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return http.send(request.build(), BodyHandlers.ofString());
  }

  /**
   * The status line the server answers a request whose headers declare {@code length} bytes of
   * body, over a raw socket that never sends the body: the refusal must not wait for it.
   */
  private static String declare(String route, long length) throws Exception {
    String[] parts = route.split(" ", 2);
    try (Socket socket = new Socket("127.0.0.1", server.port)) {
      socket.setSoTimeout(20_000);
      socket
          .getOutputStream()
          .write(
              (parts[0]
                      + " "
                      + parts[1]
                      + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                      + "Content-Type: application/json\r\n"
                      + "Content-Length: "
                      + length
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      // The answer's status line and headers: the refusal need not wait for the body.
      StringBuilder answer = new StringBuilder();
      java.io.InputStream in = socket.getInputStream();
      int c;
      while (answer.indexOf("\r\n\r\n") < 0 && (c = in.read()) != -1) {
        answer.append((char) c);
      }
      return answer.toString();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routes")
  @DisplayName(
      "A body declared one byte over the limit gets 413 problem+json at once, before the caller is"
          + " even asked who it is, and the server stays healthy")
  void oversizedBodyIsRefused(String route) throws Exception {
    String answer = declare(route, LIMIT + 1);
    assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json");
    assertThat(server.get("/health/live", null).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("The routes that take a body are found in the router (so none is left out)")
  void routesAreFound() {
    assertThat(routes())
        .contains("POST /api/v1/plan", "POST /api/v1/events", "PUT /api/v1/notify/rules")
        .hasSizeGreaterThan(20);
  }

  @Test
  @DisplayName(
      "A chunked body (no length declared) over a route's own limit is cut off at the limit: 413")
  void chunkedBodyOverTheRoutesLimit() throws Exception {
    String admin = server.scopeKey(Scope.ADMIN);
    byte[] body = new byte[64 * 1024];
    Arrays.fill(body, (byte) ' ');
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + server.port + "/api/v1/keys"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + admin)
            .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();
    HttpResponse<String> answer = http.send(request, BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
    assertThat(server.get("/health/live", null).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("A body within the limit is let through to the route")
  void bodyWithinTheLimitPasses() throws Exception {
    HttpResponse<String> answer =
        send("POST /api/v1/session", "{\"email\":\"a@b.c\",\"password\":\"x\"}".getBytes(), null);
    assertThat(answer.statusCode()).isNotEqualTo(413).isLessThan(500);
  }
}
