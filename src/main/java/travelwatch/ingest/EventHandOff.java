package travelwatch.ingest;

import io.vertx.core.eventbus.EventBus;
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
 */
public final class EventHandOff implements Consumer<List<StoredEvent>> {
  public static final String SHARD_ADDRESS = "travelwatch.events.shard.";
  public static final String GLOBAL_ADDRESS = "travelwatch.events.global";
  public static final String CREW_ADDRESS = "travelwatch.events.crew";

  private final EventBus bus;
  private final int shards;

  public EventHandOff(EventBus bus, int shards) {
    this.bus = bus;
    this.shards = shards;
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
    byAddress.forEach((address, list) -> bus.publish(address, new CommittedEvents(list)));
  }
}
