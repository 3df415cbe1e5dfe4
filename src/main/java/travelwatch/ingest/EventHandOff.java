package travelwatch.ingest;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
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
 */
public final class EventHandOff implements Consumer<List<StoredEvent>> {
  public static final String SHARD_ADDRESS = "travelwatch.events.shard.";
  public static final String GLOBAL_ADDRESS = "travelwatch.events.global";
  public static final String CREW_ADDRESS = "travelwatch.events.crew";

  /** How long a shard's monitor has to answer that it applied a message. */
  static final Duration APPLIED_WITHIN = Duration.ofMinutes(5);

  private static final DeliveryOptions REQUEST =
      new DeliveryOptions().setSendTimeout(APPLIED_WITHIN.toMillis());

  private final EventBus bus;
  private final int shards;
  private final IntakeWatermark watermark;
  private final Map<String, Outgoing> outgoing = new HashMap<>();

  public EventHandOff(EventBus bus, int shards, IntakeWatermark watermark) {
    this.bus = bus;
    this.shards = shards;
    this.watermark = watermark;
  }

  public static int shardOf(String runId, int shards) {
    return Math.floorMod(runId.hashCode(), shards);
  }

  @Override
  public void accept(List<StoredEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    Map<String, List<CommittedEvents.Committed>> byAddress = new HashMap<>();
    for (StoredEvent e : events) {
      String runId = e.event().runId();
      String address;
      if (runId != null) {
        address = SHARD_ADDRESS + shardOf(runId, shards);
      } else if (e.event().type().wireName().startsWith("crew.")) {
        address = CREW_ADDRESS;
      } else {
        address = GLOBAL_ADDRESS;
      }
      byAddress.computeIfAbsent(address, a -> new ArrayList<>()).add(e.committed());
    }
    byAddress.forEach(
        (address, list) -> {
          if (address.equals(CREW_ADDRESS)) {
            bus.publish(address, new CommittedEvents(list)); // every node's monitors take these
          } else {
            Outgoing out = outgoing.computeIfAbsent(address, a -> new Outgoing());
            out.tokens.add(watermark.begin(oldest(list)));
            out.waiting.addAll(list);
            if (!out.sending) {
              send(address, out);
            }
          }
        });
  }

  /**
   * What waits for one shard: while a message to it is unanswered, events committed meanwhile
   * gather here (in flight for the watermark all the while) and go as the next message.
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
        .onComplete(
            applied -> {
              tokens.forEach(watermark::end);
              out.sending = false;
              if (!out.waiting.isEmpty()) {
                send(address, out);
              }
            });
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
