package travelwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.support.JarProcess;

@DisplayName("Hand-off of committed events to a shard's monitor")
class EventHandOffTest {
  private static final String RUN = "RT0001-20261207-AM";
  private static final Instant RECEIVED = Instant.parse("2026-12-07T08:00:00Z");

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  @DisplayName(
      "While a shard's message is unanswered, later commits wait and go together as the next one,"
          + " in order, and count as in flight until their own answer")
  void laterCommitsGoTogetherOnceTheShardAnswers() {
    CommittedEvents.register(vertx.eventBus());
    String address = EventHandOff.SHARD_ADDRESS + EventHandOff.shardOf(RUN, 16);
    List<Message<CommittedEvents>> received = new CopyOnWriteArrayList<>();
    vertx.eventBus().<CommittedEvents>consumer(address, received::add).completion().await();
    IntakeWatermark watermark = new IntakeWatermark(Clock.systemUTC());
    EventHandOff handOff = new EventHandOff(vertx.eventBus(), 16, watermark);
    Context loop = vertx.getOrCreateContext();

    loop.runOnContext(v -> handOff.accept(List.of(stored(1))));
    JarProcess.await("the first message", Duration.ofSeconds(10), () -> received.size() == 1);
    loop.runOnContext(v -> handOff.accept(List.of(stored(2))));
    loop.runOnContext(v -> handOff.accept(List.of(stored(3), stored(4))));
    JarProcess.await(
        "the three later events to be in flight",
        Duration.ofSeconds(10),
        () -> watermark.oldestHere().isPresent());

    // Nothing more leaves for the shard until it answers the first.
    assertThat(received).hasSize(1);
    received.get(0).reply("applied");
    JarProcess.await("the second message", Duration.ofSeconds(10), () -> received.size() == 2);
    assertThat(received.get(1).body().events().stream().map(CommittedEvents.Committed::seq))
        .containsExactly(2L, 3L, 4L);
    assertThat(watermark.oldestHere()).contains(RECEIVED);

    received.get(1).reply("applied");
    JarProcess.await(
        "nothing in flight", Duration.ofSeconds(10), () -> watermark.oldestHere().isEmpty());
    assertThat(received).hasSize(2);

    // Quiet again: the next commit goes at once.
    loop.runOnContext(v -> handOff.accept(List.of(stored(5))));
    JarProcess.await("the third message", Duration.ofSeconds(10), () -> received.size() == 3);
    assertThat(received.get(2).body().events()).hasSize(1);
  }

  private static StoredEvent stored(long seq) {
    return new StoredEvent(
        seq,
        "OP001",
        Source.API,
        new IncomingEvent(
            0,
            "e" + seq,
            EventType.VEHICLE_POSITION,
            OffsetDateTime.ofInstant(RECEIVED, ZoneOffset.UTC),
            LocalDate.of(2026, 12, 7),
            RUN,
            null,
            null,
            "{}",
            new byte[0]),
        OffsetDateTime.ofInstant(RECEIVED, ZoneOffset.UTC));
  }
}
