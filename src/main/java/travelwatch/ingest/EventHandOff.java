package travelwatch.ingest;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Publishes committed events to the monitors on the event bus: run events to their run's shard,
 * everything else (crew, calls, casework) to every shard. Best effort: the store is the truth, and
 * a monitor that missed a message rebuilds from it.
 */
public final class EventHandOff implements Consumer<List<StoredEvent>> {
  public static final String SHARD_ADDRESS = "travelwatch.events.shard.";
  public static final String GLOBAL_ADDRESS = "travelwatch.events.global";

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
    Map<String, JsonArray> byAddress = new HashMap<>();
    for (StoredEvent e : events) {
      String runId = e.event().runId();
      String address = runId == null ? GLOBAL_ADDRESS : SHARD_ADDRESS + shardOf(runId, shards);
      byAddress.computeIfAbsent(address, a -> new JsonArray()).add(e.toJson());
    }
    byAddress.forEach(bus::publish);
  }
}
