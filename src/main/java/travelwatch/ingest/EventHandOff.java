package travelwatch.ingest;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Publishes committed events to the monitors on the event bus, wherever in the cluster they run:
 * run events to their run's shard, crew facts (DBS, badge, clearance) to every node (each shard's
 * rules need them), everything else (calls, incidents without a run, casework) to the council-wide
 * shard. Only a shard's owner listens on its address. Best effort: the store is the truth, and a
 * monitor that missed a message catches up from it.
 *
 * <p>A message to a shard is a request: the monitor answers once it has applied the events, and
 * until then they count as in flight in the {@link IntakeWatermark} (dropped when no monitor
 * answers within {@link #APPLIED_WITHIN}: the store then brings them). Each writer has its own
 * hand-off, used on its event loop only: one message to a shard at a time, and what its group
 * commits store meanwhile goes in the next, in order. The monitor applies a shard's messages one
 * step at a time anyway, so under load a shard gets a few larger messages instead of one for each
 * group commit (in a cluster, each a frame and an answer between nodes); when quiet, each goes at
 * once.
 *
 * <p>Where the {@link ShardDirectory} knows which node's monitor is ready for a shard, the events
 * go to that monitor's inbox instead, together with those of its other shards: one message (and, in
 * a cluster, one frame and one answer) for each node rather than for each shard. A monitor that no
 * longer has one of the shards turns the message away, and its events go to each shard's address.
 */
public final class EventHandOff implements Consumer<List<StoredEvent>> {
  public static final String SHARD_ADDRESS = "travelwatch.events.shard.";
  public static final String GLOBAL_ADDRESS = "travelwatch.events.global";
  public static final String CREW_ADDRESS = "travelwatch.events.crew";

  /** A monitor's inbox for all the shards it has: this, then the monitor's own id. */
  public static final String INBOX_ADDRESS = "travelwatch.events.monitor.";

  /**
   * The failure code of a monitor turning away a message for shards it does not have (any more):
   * the hand-off sends those events to each shard's own address.
   */
  public static final int NOT_HERE = 409;

  /** How long a shard's monitor has to answer that it applied a message. */
  static final Duration APPLIED_WITHIN = Duration.ofMinutes(5);

  private static final DeliveryOptions REQUEST =
      new DeliveryOptions().setSendTimeout(APPLIED_WITHIN.toMillis());

  private final EventBus bus;
  private final int shards;
  private final IntakeWatermark watermark;
  private final ShardDirectory directory;
  private final Map<String, Outgoing> outgoing = new HashMap<>();

  public EventHandOff(
      EventBus bus, int shards, IntakeWatermark watermark, ShardDirectory directory) {
    this.bus = bus;
    this.shards = shards;
    this.watermark = watermark;
    this.directory = directory;
  }

  public static int shardOf(String runId, int shards) {
    return Math.floorMod(runId.hashCode(), shards);
  }

  /** The shard an event not about crew goes to: its run's, or the council-wide one. */
  public static int shardOf(CommittedEvents.Committed event, int shards) {
    return event.runId() == null ? shards : shardOf(event.runId(), shards);
  }

  @Override
  public void accept(List<StoredEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    List<CommittedEvents.Committed> crew = new ArrayList<>();
    List<CommittedEvents.Committed> monitored = new ArrayList<>();
    for (StoredEvent e : events) {
      if (e.event().runId() == null && e.event().type().wireName().startsWith("crew.")) {
        crew.add(e.committed());
      } else {
        monitored.add(e.committed());
      }
    }
    if (!crew.isEmpty()) {
      bus.publish(CREW_ADDRESS, new CommittedEvents(crew)); // every node's monitors take these
    }
    byAddress(monitored, true)
        .forEach(
            (address, list) -> {
              Outgoing out = outgoing.computeIfAbsent(address, a -> new Outgoing());
              out.tokens.add(watermark.begin(oldest(list)));
              out.waiting.addAll(list);
              if (!out.sending) {
                send(address, out);
              }
            });
  }

  /**
   * Events by where they go: the inbox of the monitor ready for their shard when {@code viaInbox}
   * and the directory knows it, else the shard's own address.
   */
  private Map<String, List<CommittedEvents.Committed>> byAddress(
      List<CommittedEvents.Committed> events, boolean viaInbox) {
    Map<String, List<CommittedEvents.Committed>> byAddress = new HashMap<>();
    for (CommittedEvents.Committed c : events) {
      int shard = shardOf(c, shards);
      String address =
          viaInbox
              ? directory.inboxOf(shard).orElseGet(() -> shardAddress(shard))
              : shardAddress(shard);
      byAddress.computeIfAbsent(address, a -> new ArrayList<>()).add(c);
    }
    return byAddress;
  }

  private String shardAddress(int shard) {
    return addressOf(shard, shards);
  }

  /** Shard {@code shard}'s own address; shard number {@code shards} is the council-wide one. */
  public static String addressOf(int shard, int shards) {
    return shard == shards ? GLOBAL_ADDRESS : SHARD_ADDRESS + shard;
  }

  /**
   * What waits for one address (a shard's, or a monitor's inbox): while a message to it is
   * unanswered, events committed meanwhile gather here (in flight for the watermark all the while)
   * and go as the next message.
   */
  private static final class Outgoing {
    boolean sending;
    List<CommittedEvents.Committed> waiting = new ArrayList<>();
    List<Long> tokens = new ArrayList<>();
  }

  private void send(String address, Outgoing out) {
    CommittedEvents message = new CommittedEvents(out.waiting);
    List<Long> tokens = out.tokens;
    out.waiting = new ArrayList<>();
    out.tokens = new ArrayList<>();
    out.sending = true;
    bus.request(address, message, REQUEST)
        .recover(
            e -> {
              if (!address.startsWith(INBOX_ADDRESS) || !turnedAway(e)) {
                return Future.failedFuture(e); // the store brings them: see the class comment
              }
              // That monitor no longer has (some of) these shards, or has gone: to each shard's
              // own address, whoever has it now.
              directory.forget(address);
              List<Future<?>> sent = new ArrayList<>();
              byAddress(message.events(), false)
                  .forEach(
                      (a, list) -> sent.add(bus.request(a, new CommittedEvents(list), REQUEST)));
              return Future.join(sent).map(v -> null);
            })
        .onComplete(
            applied -> {
              tokens.forEach(watermark::end);
              out.sending = false;
              if (!out.waiting.isEmpty()) {
                send(address, out);
              }
            });
  }

  private static boolean turnedAway(Throwable e) {
    return e instanceof ReplyException r
        && (r.failureType() == ReplyFailure.NO_HANDLERS
            || (r.failureType() == ReplyFailure.RECIPIENT_FAILURE && r.failureCode() == NOT_HERE));
  }

  private static Instant oldest(List<CommittedEvents.Committed> events) {
    Instant oldest = events.get(0).receivedAt();
    for (CommittedEvents.Committed c : events) {
      if (c.receivedAt().isBefore(oldest)) {
        oldest = c.receivedAt();
      }
    }
    return oldest;
  }
}
