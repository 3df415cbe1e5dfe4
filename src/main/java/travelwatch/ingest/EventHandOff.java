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
 * answers within {@link #APPLIED_WITHIN}: the store then brings them).
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
          CommittedEvents message = new CommittedEvents(list);
          if (address.equals(CREW_ADDRESS)) {
            bus.publish(address, message); // every node's monitors take crew facts
          } else {
            long token = watermark.begin(oldest(list));
            bus.request(address, message, REQUEST).onComplete(applied -> watermark.end(token));
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
