package travelwatch.live;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import travelwatch.access.Caller;
import travelwatch.platform.http.ApiException;

/**
 * How many live streams this node holds open, in all and per caller: a caller past its own cap, or
 * any caller once the node is full, is turned away. A seat is given back once, when its connection
 * closes.
 */
final class StreamSeats {
  private final int maxPerCaller;
  private final int max;
  private final ConcurrentHashMap<String, Integer> byCaller = new ConcurrentHashMap<>();
  private int total;

  StreamSeats(int maxPerCaller, int max) {
    this.maxPerCaller = maxPerCaller;
    this.max = max;
  }

  /** A held seat; {@link #release} gives it back, once however often it is called. */
  final class Seat {
    private final String caller;
    private final AtomicBoolean held = new AtomicBoolean(true);

    private Seat(String caller) {
      this.caller = caller;
    }

    void release() {
      if (held.compareAndSet(true, false)) {
        synchronized (StreamSeats.this) {
          total--;
          byCaller.computeIfPresent(caller, (k, n) -> n <= 1 ? null : n - 1);
        }
      }
    }
  }

  /** A seat for the caller, or a 429 saying which cap it met. */
  synchronized Seat take(Caller caller) {
    String who = who(caller);
    if (byCaller.getOrDefault(who, 0) >= maxPerCaller) {
      throw full(
          "You have "
              + maxPerCaller
              + " live streams open, the most one caller may; close one (or retry later).");
    }
    if (total >= max) {
      throw full("This server holds " + max + " live streams, its most; retry later.");
    }
    total++;
    byCaller.merge(who, 1, Integer::sum);
    return new Seat(who);
  }

  private static ApiException full(String detail) {
    return new ApiException(429, "too-many-streams", "Too many streams", detail, List.of(), 5);
  }

  synchronized int open() {
    return total;
  }

  int maxPerCaller() {
    return maxPerCaller;
  }

  int max() {
    return max;
  }

  /** One name per person or credential: a user's sessions count together, a key's uses too. */
  static String who(Caller caller) {
    if (caller instanceof Caller.Staff s) {
      return "staff:" + s.name();
    }
    if (caller instanceof Caller.SchoolStaff s) {
      return "staff:" + s.name();
    }
    if (caller instanceof Caller.OperatorKey k) {
      return "key:" + k.keyId();
    }
    if (caller instanceof Caller.FeedKey k) {
      return "key:" + k.keyId();
    }
    if (caller instanceof Caller.CrewDevice d) {
      return "device:" + d.deviceId();
    }
    if (caller instanceof Caller.ParentLink l) {
      return "link:" + l.linkId();
    }
    if (caller instanceof Caller.Tracker t) {
      return "tracker:" + t.trackerId();
    }
    throw new IllegalArgumentException("an unknown kind of caller: " + caller.getClass());
  }
}
