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
    EventHandOff handOff =
        new EventHandOff(vertx.eventBus(), 16, watermark, new ShardDirectory(Clock.systemUTC()));
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

  @Test
  @DisplayName(
      "Events for several shards whose monitor is ready at one inbox go there as one message, and"
          + " count as in flight until it answers")
  void shardsReadyAtOneInboxShareAMessage() {
    CommittedEvents.register(vertx.eventBus());
    String inbox = EventHandOff.INBOX_ADDRESS + "node-a";
    List<Message<CommittedEvents>> received = new CopyOnWriteArrayList<>();
    vertx.eventBus().<CommittedEvents>consumer(inbox, received::add).completion().await();
    ShardDirectory directory = readyForAllShards(inbox);
    IntakeWatermark watermark = new IntakeWatermark(Clock.systemUTC());
    EventHandOff handOff = new EventHandOff(vertx.eventBus(), 16, watermark, directory);
    List<StoredEvent> threeShards = List.of(stored(1, "R-1"), stored(2, "R-2"), stored(3, "R-4"));
    assertThat(threeShards.stream().map(e -> EventHandOff.shardOf(e.event().runId(), 16)))
        .doesNotHaveDuplicates();

    vertx.getOrCreateContext().runOnContext(v -> handOff.accept(threeShards));

    JarProcess.await("the message", Duration.ofSeconds(10), () -> received.size() == 1);
    assertThat(received.get(0).body().events().stream().map(CommittedEvents.Committed::seq))
        .containsExactly(1L, 2L, 3L);
    assertThat(watermark.oldestHere()).contains(RECEIVED);
    received.get(0).reply("applied");
    JarProcess.await(
        "nothing in flight", Duration.ofSeconds(10), () -> watermark.oldestHere().isEmpty());
  }

  @Test
  @DisplayName(
      "A monitor that no longer has a shard turns its inbox's message away: the events go to each"
          + " shard's own address, and the next ones straight there")
  void turnedAwayEventsGoToEachShard() {
    CommittedEvents.register(vertx.eventBus());
    String inbox = EventHandOff.INBOX_ADDRESS + "node-a";
    List<Message<CommittedEvents>> atInbox = new CopyOnWriteArrayList<>();
    vertx
        .eventBus()
        .<CommittedEvents>consumer(
            inbox,
            m -> {
              atInbox.add(m);
              m.fail(EventHandOff.NOT_HERE, "shard not monitored here");
            })
        .completion()
        .await();
    List<Message<CommittedEvents>> atShards = new CopyOnWriteArrayList<>();
    for (String run : List.of("R-1", "R-2")) {
      vertx
          .eventBus()
          .<CommittedEvents>consumer(
              EventHandOff.SHARD_ADDRESS + EventHandOff.shardOf(run, 16),
              m -> {
                atShards.add(m);
                m.reply("applied");
              })
          .completion()
          .await();
    }
    ShardDirectory directory = readyForAllShards(inbox);
    IntakeWatermark watermark = new IntakeWatermark(Clock.systemUTC());
    EventHandOff handOff = new EventHandOff(vertx.eventBus(), 16, watermark, directory);
    Context loop = vertx.getOrCreateContext();

    loop.runOnContext(v -> handOff.accept(List.of(stored(1, "R-1"), stored(2, "R-2"))));

    JarProcess.await("both shards' messages", Duration.ofSeconds(10), () -> atShards.size() == 2);
    assertThat(atShards.stream().flatMap(m -> m.body().events().stream()))
        .extracting(CommittedEvents.Committed::seq)
        .containsExactlyInAnyOrder(1L, 2L);
    JarProcess.await(
        "nothing in flight", Duration.ofSeconds(10), () -> watermark.oldestHere().isEmpty());
    assertThat(directory.inboxOf(EventHandOff.shardOf("R-1", 16))).isEmpty();

    loop.runOnContext(v -> handOff.accept(List.of(stored(3, "R-1"))));
    JarProcess.await("the next, to its shard", Duration.ofSeconds(10), () -> atShards.size() == 3);
    assertThat(atInbox).hasSize(1);
  }

  /**
   * A directory in which the monitor at {@code inbox} is ready for all 16 shards and the global.
   */
  private static ShardDirectory readyForAllShards(String inbox) {
    ShardDirectory directory = new ShardDirectory(Clock.systemUTC());
    directory.heard(inbox, java.util.stream.IntStream.rangeClosed(0, 16).boxed().toList());
    return directory;
  }

  private static StoredEvent stored(long seq) {
    return stored(seq, RUN);
  }

  private static StoredEvent stored(long seq, String runId) {
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
            runId,
            null,
            null,
            "{}",
            new byte[0]),
        OffsetDateTime.ofInstant(RECEIVED, ZoneOffset.UTC));
  }
}
