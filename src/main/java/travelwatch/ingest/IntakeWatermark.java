package travelwatch.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far the event stream has been taken in: the service time up to which every event this cluster
 * accepted has reached its monitor. Each node counts its own hand-offs in flight (stored and
 * acknowledged, not yet applied by the monitor that owns their shard) and tells the other nodes the
 * oldest one's receipt time; the watermark is the oldest of them all, or now when none is in
 * flight. Deadline rules judge against it, so a node that falls behind waits instead of raising
 * alerts that are only its own delay. A node not heard of for {@link #FORGET_AFTER} (real time) is
 * forgotten: its events are in the store, and the monitors read them from there.
 */
public final class IntakeWatermark {
  /** How long (real time) a node's last word counts. */
  public static final Duration FORGET_AFTER = Duration.ofSeconds(10);

  private final Clock real;
  private final AtomicLong next = new AtomicLong();
  private final Map<Long, Instant> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Heard> others = new ConcurrentHashMap<>();

  private record Heard(Instant oldest, Instant heardAt) {}

  public IntakeWatermark(Clock real) {
    this.real = real;
  }

  /** A hand-off of events received at {@code receivedAt} leaves; the token ends it. */
  public long begin(Instant receivedAt) {
    long token = next.incrementAndGet();
    inFlight.put(token, receivedAt);
    return token;
  }

  /** The hand-off was applied (or dropped: the store is then the monitors' way to it). */
  public void end(long token) {
    inFlight.remove(token);
  }

  /** The receipt time of this node's oldest hand-off in flight, if any. */
  public Optional<Instant> oldestHere() {
    Instant oldest = null;
    for (Instant t : inFlight.values()) {
      if (oldest == null || t.isBefore(oldest)) {
        oldest = t;
      }
    }
    return Optional.ofNullable(oldest);
  }

  /** What another node said of its own hand-offs (empty: none in flight). */
  public void heard(String node, Optional<Instant> oldest) {
    if (oldest.isPresent()) {
      others.put(node, new Heard(oldest.get(), real.instant()));
    } else {
      others.remove(node);
    }
  }

  /**
   * The time deadline rules may judge up to: {@code now}, or the receipt time of the oldest event
   * still on its way to a monitor anywhere in the cluster, whichever is earlier.
   */
  public Instant effective(Instant now) {
    Instant mark = now;
    Optional<Instant> here = oldestHere();
    if (here.isPresent() && here.get().isBefore(mark)) {
      mark = here.get();
    }
    Instant cutoff = real.instant().minus(FORGET_AFTER);
    for (Map.Entry<String, Heard> e : others.entrySet()) {
      Heard h = e.getValue();
      if (h.heardAt().isBefore(cutoff)) {
        others.remove(e.getKey(), h);
      } else if (h.oldest().isBefore(mark)) {
        mark = h.oldest();
      }
    }
    return mark;
  }

  /** How far the watermark is behind {@code now}. */
  public Duration lag(Instant now) {
    return Duration.between(effective(now), now);
  }
}
