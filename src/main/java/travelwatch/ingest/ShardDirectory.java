package travelwatch.ingest;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which node's monitor is ready for which shard, as each node tells the others a few times a second
 * (its own node's too): lets a hand-off send one message to each node's monitor for all the shards
 * it has there, instead of one to each shard. Only a hint: an entry not heard again within {@link
 * #FRESH_FOR} is forgotten, and a monitor sent events for a shard it no longer has turns the
 * message away, so the hand-off sends them to each shard's own address instead (the way that never
 * depends on this directory). Used from several event loops.
 */
public final class ShardDirectory {
  /** How long what a node said of its shards is believed without hearing it again. */
  static final Duration FRESH_FOR = Duration.ofSeconds(2);

  private final Clock clock;

  /** Per shard: the monitor inbox that said it has it, and when (clock millis). */
  private final Map<Integer, Entry> byShard = new ConcurrentHashMap<>();

  private record Entry(String inbox, long heardAt) {}

  public ShardDirectory(Clock clock) {
    this.clock = clock;
  }

  /** A monitor at {@code inbox} is ready for exactly {@code shards} now. */
  public void heard(String inbox, Collection<Integer> shards) {
    long now = clock.millis();
    forget(inbox);
    for (int shard : shards) {
      byShard.put(shard, new Entry(inbox, now));
    }
  }

  /** Nothing more is believed of {@code inbox}'s shards until it says so again. */
  public void forget(String inbox) {
    byShard.values().removeIf(e -> e.inbox().equals(inbox));
  }

  /**
   * The inbox of the monitor lately ready for {@code shard}, if heard within {@link #FRESH_FOR}.
   */
  public Optional<String> inboxOf(int shard) {
    Entry e = byShard.get(shard);
    if (e == null || clock.millis() - e.heardAt() > FRESH_FOR.toMillis()) {
      return Optional.empty();
    }
    return Optional.of(e.inbox());
  }
}
