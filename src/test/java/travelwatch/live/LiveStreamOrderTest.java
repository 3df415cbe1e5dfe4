package travelwatch.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.live.LiveEvents.LiveEvent;
import travelwatch.support.JarProcess;
import travelwatch.support.SseClient;
import travelwatch.support.TestServer;

@Timeout(60)
@DisplayName(
    "Live stream with several nodes publishing: entries out of number order still reach clients")
class LiveStreamOrderTest {
  private static TestServer server;
  private static Vertx vertx;
  private static String viewer;

  @BeforeAll
  static void start() {
    server = new TestServer();
    vertx = Vertx.vertx();
    viewer = server.scopeKey(Scope.CONTROL);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    server.close();
  }

  @Test
  @DisplayName(
      "Entry 1002 arriving before 1001 (two nodes' monitors) is sent, and so is 1001, once each")
  void outOfOrderEntriesAreAllSent() {
    try (SseClient stream = new SseClient(vertx, server.port, viewer, null)) {
      var bus = server.server.vertx().eventBus();
      subscribed(stream, 500);
      LiveEvents.publish(bus, List.of(entry(1002)));
      LiveEvents.publish(bus, List.of(entry(1001)));
      stream.await("entry 1001", Duration.ofSeconds(10), e -> e.id() == 1001);
      stream.await("entry 1002", Duration.ofSeconds(10), e -> e.id() == 1002);
      assertThat(stream.events().stream().filter(e -> e.id() >= 1001)).hasSize(2);
    }
  }

  @Test
  @DisplayName("A client resuming after Last-Event-ID gets later entries, none it already had")
  void resumedClientSkipsWhatItHas() {
    try (SseClient stream = new SseClient(vertx, server.port, viewer, 2000L)) {
      var bus = server.server.vertx().eventBus();
      subscribed(stream, 2001);
      LiveEvents.publish(bus, List.of(entry(1999)));
      LiveEvents.publish(bus, List.of(entry(2002)));
      stream.await("entry 2002", Duration.ofSeconds(10), e -> e.id() == 2002);
      assertThat(stream.events()).noneMatch(e -> e.id() == 1999);
    }
  }

  @Test
  @DisplayName(
      "Entries published together (one message, one frame between nodes) each reach the client,"
          + " in order, once; the notice passes see the run among them")
  void entriesPublishedTogetherAreEachSent() {
    try (SseClient stream = new SseClient(vertx, server.port, viewer, null)) {
      var bus = server.server.vertx().eventBus();
      subscribed(stream, 3000);
      LiveEvent run = new LiveEvent(3003, "run", new JsonObject().put("runId", "R1"));
      LiveEvents.publish(bus, List.of(entry(3001), entry(3002), run));
      stream.await("entry 3003", Duration.ofSeconds(10), e -> e.id() == 3003);
      assertThat(stream.events().stream().filter(e -> e.id() > 3000).map(SseClient.Event::id))
          .containsExactly(3001L, 3002L, 3003L);

      assertThat(new LiveEvents.Published(List.of(entry(1), run)).carries("run")).isTrue();
      assertThat(new LiveEvents.Published(List.of(entry(1))).carries("run")).isFalse();
    }
  }

  @Test
  @DisplayName(
      "Entries travel to another node as their number, kind and the data's JSON text, and arrive"
          + " as they were sent")
  void entriesCrossBetweenNodesUnchanged() {
    LiveEvents.Published sent =
        new LiveEvents.Published(
            List.of(
                entry(41),
                new LiveEvent(
                    0,
                    "position",
                    new JsonObject().put("runId", "R-é1").put("schoolId", "S1").put("lat", 52.48)),
                new LiveEvent(42, "message", new JsonObject().put("text", "Bus 12 — 5 min late"))));
    io.vertx.core.buffer.Buffer wire = io.vertx.core.buffer.Buffer.buffer().appendString("head");
    LiveEvents.Codec codec = new LiveEvents.Codec();
    codec.encodeToWire(wire, sent);

    LiveEvents.Published received = codec.decodeFromWire(4, wire);

    assertThat(received).isEqualTo(sent);
    assertThat(received.entries().get(1).data().getString("runId")).isEqualTo("R-é1");
    assertThat(received.entries().get(1).logged()).isFalse();
    assertThat(codec.transform(sent)).as("shared on a node, not copied").isSameAs(sent);
  }

  /**
   * Publishes entry {@code seq} until the stream has it: the stream subscribes just after its
   * response starts, and entries published before that are only in the store.
   */
  private static void subscribed(SseClient stream, long seq) {
    var bus = server.server.vertx().eventBus();
    JarProcess.await(
        "the stream to subscribe",
        Duration.ofSeconds(10),
        () -> {
          LiveEvents.publish(bus, List.of(entry(seq)));
          return stream.find(e -> e.id() == seq).isPresent();
        });
  }

  private static LiveEvent entry(long seq) {
    return new LiveEvent(
        seq,
        "alert",
        new JsonObject().put("id", seq).put("transition", new JsonObject().put("kind", "raised")));
  }
}
