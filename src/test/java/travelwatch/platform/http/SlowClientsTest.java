package travelwatch.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.support.JarProcess;
import travelwatch.support.SseClient;
import travelwatch.support.TestServer;

/**
 * Clients that hold connections without finishing a request, over raw sockets: each test waits for
 * the server to close the connection and checks it did so within TW_HTTP_IDLE_SECONDS (and a margin
 * for a busy machine), never before.
 */
@Timeout(120)
@DisplayName("Slow and half-sent requests are cut off after TW_HTTP_IDLE_SECONDS")
class SlowClientsTest {
  private static final int IDLE_SECONDS = 3;
  private static final Duration MARGIN = Duration.ofSeconds(4);
  private static TestServer server;

  @BeforeAll
  static void start() {
    server =
        new TestServer(
            Map.of(
                "TW_HTTP_IDLE_SECONDS",
                String.valueOf(IDLE_SECONDS),
                "TW_STREAM_HEARTBEAT_SECONDS",
                "1"),
            Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** How long until the server closed the connection, waiting for it (reading) from now. */
  private static Duration awaitClose(Socket socket) throws IOException {
    long started = System.nanoTime();
    socket.setSoTimeout((int) Duration.ofSeconds(IDLE_SECONDS).plus(MARGIN).toMillis() * 2);
    InputStream in = socket.getInputStream();
    try {
      while (in.read() != -1) {
        // whatever the server answers (a 408, say) before it closes
      }
    } catch (SocketException reset) {
      // closed with a reset: closed all the same
    }
    return Duration.ofNanos(System.nanoTime() - started);
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port);
    socket.setTcpNoDelay(true);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void assertClosedInTime(Duration took) {
    assertThat(took)
        .as("closed within TW_HTTP_IDLE_SECONDS and a margin")
        .isLessThanOrEqualTo(Duration.ofSeconds(IDLE_SECONDS).plus(MARGIN));
  }

  @Test
  @DisplayName(
      "A client sending its request headers a byte a second is cut off after TW_HTTP_IDLE_SECONDS,"
          + " though it is never silent")
  void headersAByteASecond() throws Exception {
    try (Socket socket = connect()) {
      String request = "GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(100);
      // The trickle is the client's behaviour under test; the test itself waits for the close.
      CompletableFuture<Void> trickle =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (byte b : request.getBytes(StandardCharsets.US_ASCII)) {
                    socket.getOutputStream().write(b);
                    socket.getOutputStream().flush();
                    TimeUnit.SECONDS.sleep(1);
                  }
                } catch (IOException | InterruptedException e) {
                  // the server closed the connection: the end of the trickle
                }
              });
      Duration took = awaitClose(socket);
      assertClosedInTime(took);
      assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(IDLE_SECONDS).minusMillis(500));
      trickle.cancel(true);
    }
    assertThat(server.get("/health/live", null).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("A request whose headers stop half-way is closed after TW_HTTP_IDLE_SECONDS")
  void headersHalfSent() throws Exception {
    try (Socket socket = connect()) {
      send(socket, "POST /api/v1/events HTTP/1.1\r\nHost: local");
      assertClosedInTime(awaitClose(socket));
    }
  }

  @Test
  @DisplayName("A request whose body stops half-way is closed after TW_HTTP_IDLE_SECONDS")
  void bodyHalfSent() throws Exception {
    try (Socket socket = connect()) {
      send(
          socket,
          "POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
              + "Content-Length: 100\r\n\r\n{\"email\":");
      assertClosedInTime(awaitClose(socket));
    }
  }

  @Test
  @DisplayName(
      "A kept-alive connection is answered, then cut off when its next request's headers trickle")
  void keptAliveThenSilent() throws Exception {
    try (Socket socket = connect()) {
      send(socket, "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
      InputStream in = socket.getInputStream();
      byte[] answer = new byte[12];
      assertThat(in.readNBytes(answer, 0, 12)).isEqualTo(12);
      assertThat(new String(answer, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      send(socket, "GET /health/li");
      assertClosedInTime(awaitClose(socket));
    }
  }

  @Test
  @DisplayName("A live stream with its heartbeat outlives TW_HTTP_IDLE_SECONDS")
  void liveStreamStaysOpen() {
    Vertx vertx = Vertx.vertx();
    try (SseClient stream =
        new SseClient(vertx, server.port, server.scopeKey(Scope.CONTROL), null)) {
      assertThat(stream.status).isEqualTo(200);
      // Heartbeats a second apart, for twice the idle time: the stream was never cut.
      JarProcess.await(
          "heartbeats over twice the idle time",
          Duration.ofSeconds(IDLE_SECONDS * 4L),
          () -> stream.heartbeats.get() >= IDLE_SECONDS * 2);
    } finally {
      vertx.close().await();
    }
  }
}
