package travelwatch.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import travelwatch.monitor.Observation.Call;

/** The contact centre's calls: answer rate over the last hour and calls waiting too long. */
public final class CallsWindow {
  private static final class Timeline {
    Instant offered;
    Instant answered;
    Instant abandoned;
  }

  private final Map<String, Timeline> calls = new HashMap<>();

  public void apply(Call call) {
    Timeline t = calls.computeIfAbsent(call.callId(), id -> new Timeline());
    switch (call.step()) {
      case OFFERED -> t.offered = earliest(t.offered, call.at());
      case ANSWERED -> t.answered = earliest(t.answered, call.at());
      case ABANDONED -> t.abandoned = earliest(t.abandoned, call.at());
    }
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }

  /** Offered and answered calls in {@code (now - window, now]}. */
  public record Rate(int offered, int answered) {
    public double ratio() {
      return offered == 0 ? 1.0 : (double) answered / offered;
    }
  }

  public Rate rate(Instant now, Duration window) {
    Instant from = now.minus(window);
    int offered = 0;
    int answered = 0;
    for (Timeline t : calls.values()) {
      if (t.offered != null && t.offered.isAfter(from) && !t.offered.isAfter(now)) {
        offered++;
      }
      if (t.answered != null && t.answered.isAfter(from) && !t.answered.isAfter(now)) {
        answered++;
      }
    }
    return new Rate(offered, answered);
  }

  /** A call still waiting: offered, neither answered nor abandoned. */
  public record Waiting(String callId, Instant offeredAt) {}

  public List<Waiting> waitingLongerThan(Instant now, Duration limit) {
    List<Waiting> waiting = new ArrayList<>();
    calls.forEach(
        (id, t) -> {
          if (t.offered != null
              && t.answered == null
              && t.abandoned == null
              && !t.offered.plus(limit).isAfter(now)) {
            waiting.add(new Waiting(id, t.offered));
          }
        });
    return waiting;
  }

  /** Forgets calls offered before {@code before}, to keep the window small. */
  public void forgetBefore(Instant before) {
    calls.values().removeIf(t -> t.offered != null && t.offered.isBefore(before));
  }
}
