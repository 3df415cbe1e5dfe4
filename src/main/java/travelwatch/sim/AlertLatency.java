package travelwatch.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import travelwatch.config.MonitorSettings;
import travelwatch.sim.DayScript.Fault;
import travelwatch.sim.DayScript.FaultKind;
import travelwatch.sim.DayScript.Scripted;

/**
 * Event-to-alert latency in real time for each injected fault: from the moment the fault became
 * detectable to the first of its alerts on the live stream. A fault shown by an event becomes
 * detectable when the server acknowledges that event (the cancellation, the assignment naming the
 * uncleared driver or the changed guide, the start without a guide, the wrong drop-off); a fault
 * shown by time passing (not started, late) when the service clock passes the rule's deadline. A
 * late alert raised from the predicted arrival before that deadline counts as no wait at all.
 */
public final class AlertLatency {
  private final Map<String, Fault> byRun = new HashMap<>();
  private final List<Deadline> deadlines = new ArrayList<>();
  private final Map<String, Fault> markers = new ConcurrentHashMap<>();
  private final Map<String, Long> detectableAt = new ConcurrentHashMap<>();
  private final Map<String, Long> alertedAt = new ConcurrentHashMap<>();
  private int nextDeadline;

  private record Deadline(Instant at, Fault fault) {}

  public AlertLatency(List<Fault> faults, MonitorSettings rules) {
    for (Fault f : faults) {
      byRun.put(f.runId(), f);
      if (f.kind() == FaultKind.NOT_STARTED) {
        deadlines.add(new Deadline(f.firstPickup().minus(rules.notStartedBefore()), f));
      } else if (f.kind() == FaultKind.LATE) {
        deadlines.add(new Deadline(f.arriveBy().plus(rules.lateAfter()), f));
      }
    }
    deadlines.sort(Comparator.comparing(Deadline::at));
  }

  /** An event is about to be sent: remembers it if it is the one that shows a fault. */
  public void sending(Scripted s) {
    Object runId = s.event().get("runId");
    Fault f = runId == null ? null : byRun.get(runId);
    if (f == null || detectableAt.containsKey(f.runId())) {
      return;
    }
    Object type = s.event().get("type");
    boolean shows =
        switch (f.kind()) {
          case CANCELLED -> "run.cancelled".equals(type);
          case UNCLEARED_DRIVER -> f.detail().equals(s.event().get("driverId"));
          case GUIDE_CHANGED -> f.detail().equals(s.event().get("guideId"));
          case GUIDE_MISSING -> "run.started".equals(type);
          case WRONG_DROPOFF ->
              "pupil.dropped".equals(type) && f.detail().equals(s.event().get("pupilId"));
          case NOT_STARTED, LATE -> false;
        };
    if (shows && !markers.containsValue(f)) {
      markers.put((String) s.event().get("eventId"), f);
    }
  }

  /** The server acknowledged {@code events} at {@code nanos} (System.nanoTime). */
  public void acknowledged(JsonArray events, long nanos) {
    if (markers.isEmpty()) {
      return;
    }
    for (int i = 0; i < events.size(); i++) {
      Fault f = markers.remove(events.getJsonObject(i).getString("eventId"));
      if (f != null) {
        detectableAt.putIfAbsent(f.runId(), nanos);
      }
    }
  }

  /**
   * The service clock reads {@code now} at {@code nanos}; {@code speed} simulated seconds pass per
   * real second. Deadlines passed since the last call are placed at the real instant they passed.
   */
  public synchronized void clockAt(Instant now, long nanos, double speed) {
    while (nextDeadline < deadlines.size() && !deadlines.get(nextDeadline).at().isAfter(now)) {
      Deadline d = deadlines.get(nextDeadline++);
      long overshoot = (long) (Duration.between(d.at(), now).toNanos() / speed);
      detectableAt.putIfAbsent(d.fault().runId(), nanos - overshoot);
    }
  }

  /** An alert arrived on the live stream at {@code nanos}. */
  public void alert(String type, String runId, long nanos) {
    Fault f = runId == null ? null : byRun.get(runId);
    if (f != null && f.kind().expected.contains(type)) {
      alertedAt.putIfAbsent(runId, nanos);
    }
  }

  /** Faults detectable so far whose alert has not arrived. */
  public int waiting() {
    int n = 0;
    for (String run : detectableAt.keySet()) {
      if (!alertedAt.containsKey(run)) {
        n++;
      }
    }
    return n;
  }

  /** Latencies in milliseconds, in order of the fault becoming detectable. */
  public List<Double> samplesMillis() {
    List<Map.Entry<String, Long>> detected = new ArrayList<>(detectableAt.entrySet());
    detected.sort(Map.Entry.comparingByValue());
    List<Double> samples = new ArrayList<>();
    for (Map.Entry<String, Long> d : detected) {
      Long alerted = alertedAt.get(d.getKey());
      if (alerted != null) {
        samples.add(Math.max(0, alerted - d.getValue()) / 1e6);
      }
    }
    return samples;
  }

  /** Each latency as [real seconds since {@code originNanos} when its alert arrived, millis]. */
  public JsonArray timeline(long originNanos) {
    List<Map.Entry<String, Long>> alerted = new ArrayList<>(alertedAt.entrySet());
    alerted.sort(Map.Entry.comparingByValue());
    JsonArray points = new JsonArray();
    for (Map.Entry<String, Long> a : alerted) {
      Long detected = detectableAt.get(a.getKey());
      if (detected != null) {
        points.add(
            new JsonArray()
                .add(round((a.getValue() - originNanos) / 1e9 * 1000) / 1000)
                .add(round(Math.max(0, a.getValue() - detected) / 1e6)));
      }
    }
    return points;
  }

  /**
   * Count, p50, p99 and max of the latencies so far, and the faults still waiting for an alert; the
   * same for each kind of fault under {@code byKind}.
   */
  public JsonObject figures() {
    Map<FaultKind, List<Double>> byKind = new java.util.TreeMap<>();
    for (Map.Entry<String, Long> d : detectableAt.entrySet()) {
      Long alerted = alertedAt.get(d.getKey());
      if (alerted != null) {
        byKind
            .computeIfAbsent(byRun.get(d.getKey()).kind(), k -> new ArrayList<>())
            .add(Math.max(0, alerted - d.getValue()) / 1e6);
      }
    }
    JsonObject kinds = new JsonObject();
    byKind.forEach((kind, samples) -> kinds.put(kind.name(), figures(samples)));
    return figures(samplesMillis()).put("waiting", waiting()).put("byKind", kinds);
  }

  private static JsonObject figures(List<Double> samples) {
    List<Double> sorted = new ArrayList<>(samples);
    sorted.sort(Comparator.naturalOrder());
    return new JsonObject()
        .put("count", sorted.size())
        .put("p50Millis", round(percentile(sorted, 0.50)))
        .put("p99Millis", round(percentile(sorted, 0.99)))
        .put("maxMillis", round(sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1)));
  }

  /** The nearest-rank percentile of an ascending list; 0 when it is empty. */
  static double percentile(List<Double> ascending, double p) {
    if (ascending.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(p * ascending.size());
    return ascending.get(Math.max(0, Math.min(ascending.size() - 1, rank - 1)));
  }

  private static double round(double millis) {
    return Math.round(millis * 10) / 10.0;
  }
}
