package travelwatch.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Judges a capacity step (did it hold?), works out its rates from the simulator's lines, and draws
 * its backlog and event-to-alert latency against time as an SVG in plain Java.
 */
final class CapacityReport {
  /** The longest event-to-alert p99 a step may have and still hold. */
  static final double P99_LIMIT_MILLIS = 1000;

  /** The simulated minutes at the end of a step in which the backlog must not grow. */
  static final int TAIL_MINUTES = 30;

  /**
   * The most real seconds of the peak's offered load the backlog may reach once the simulator first
   * caught up: at 25× five real seconds are two service minutes, about when a deadline rule would
   * begin to judge runs by events still waiting in line.
   */
  static final double BACKLOG_LIMIT_SECONDS = 5;

  /** Whether a step held and, if not, why. */
  record Judged(boolean holds, List<String> reasons, boolean backlogGrew) {}

  private CapacityReport() {}

  /**
   * A step holds when its backlog stayed bounded through the peak (once caught up, never more than
   * {@link #BACKLOG_LIMIT_SECONDS} of the peak's offered load, or a thousand events) and did not
   * grow over the last 30 simulated minutes (the mean of the last third of that window is within
   * half again, plus a thousand events, of the first third's), no event was refused, the fault
   * check passed, every shown fault's alert arrived and the event-to-alert p99 is at most a second.
   */
  static Judged judge(JsonObject step, CapacityStep.Settings s) {
    JsonObject summary = step.getJsonObject("summary");
    List<String> reasons = new ArrayList<>();
    boolean grew = backlogGrew(step.getJsonArray("progress"), s.until());
    if (grew) {
      reasons.add("the backlog grew over the last " + TAIL_MINUTES + " simulated minutes");
    }
    long limit =
        Math.round(
            BACKLOG_LIMIT_SECONDS
                * rates(step.getJsonArray("progress")).getLong("peakOfferedPerSecond"));
    long worst = maxBacklogOnceCaughtUp(step.getJsonArray("progress"));
    if (worst > Math.max(limit, 1000)) {
      reasons.add(
          "the backlog reached "
              + worst
              + " events, more than "
              + BACKLOG_LIMIT_SECONDS
              + " s of the peak's offered load");
    }
    if (summary.getLong("refused") > 0) {
      reasons.add(summary.getLong("refused") + " events refused");
    }
    if (!summary.getJsonObject("faultCheck").getBoolean("passed")) {
      reasons.add("the fault check failed");
    }
    JsonObject latency = summary.getJsonObject("eventToAlert");
    if (latency.getInteger("waiting") > 0) {
      reasons.add(latency.getInteger("waiting") + " faults' alerts never arrived");
    }
    JsonObject steady = steadyLatency(step);
    if (steady.getDouble("p99Millis") > P99_LIMIT_MILLIS) {
      reasons.add("event-to-alert p99 " + steady.getDouble("p99Millis") + " ms");
    }
    return new Judged(reasons.isEmpty(), reasons, grew);
  }

  /** The largest backlog after the simulator first caught up (see {@link #steadyLatency}). */
  static long maxBacklogOnceCaughtUp(JsonArray progress) {
    long worst = 0;
    boolean caughtUp = false;
    for (int i = 0; i < progress.size(); i++) {
      JsonObject p = progress.getJsonObject(i);
      caughtUp |= p.getLong("due") > 0 && p.getLong("backlog") == 0;
      if (caughtUp) {
        worst = Math.max(worst, p.getLong("backlog"));
      }
    }
    return worst;
  }

  /**
   * Event-to-alert once the simulator first caught up: the events that fell due while it set the
   * server up (plan, keys) go out at once, on a server that has only just started, so the alerts
   * that arrive before the backlog first empties measure that start, not the load.
   */
  static JsonObject steadyLatency(JsonObject step) {
    JsonArray progress = step.getJsonArray("progress");
    double caughtUp = 0;
    for (int i = 0; i < progress.size(); i++) {
      JsonObject p = progress.getJsonObject(i);
      if (p.getLong("due") > 0 && p.getLong("backlog") == 0) {
        caughtUp = p.getDouble("realSeconds");
        break;
      }
    }
    JsonArray timeline = step.getJsonObject("summary").getJsonArray("eventToAlertTimeline");
    List<Double> samples = new ArrayList<>();
    for (int i = 0; i < timeline.size(); i++) {
      JsonArray point = timeline.getJsonArray(i);
      if (point.getDouble(0) >= caughtUp) {
        samples.add(point.getDouble(1));
      }
    }
    samples.sort(Double::compare);
    return new JsonObject()
        .put("fromSeconds", caughtUp)
        .put("count", samples.size())
        .put("p50Millis", percentile(samples, 0.50))
        .put("p99Millis", percentile(samples, 0.99))
        .put("maxMillis", samples.isEmpty() ? 0 : samples.get(samples.size() - 1));
  }

  private static double percentile(List<Double> ascending, double p) {
    if (ascending.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(p * ascending.size());
    return ascending.get(Math.max(0, Math.min(ascending.size() - 1, rank - 1)));
  }

  private static boolean backlogGrew(JsonArray progress, LocalTime until) {
    LocalTime from = until.minusMinutes(TAIL_MINUTES);
    List<Long> tail = new ArrayList<>();
    for (int i = 0; i < progress.size(); i++) {
      JsonObject p = progress.getJsonObject(i);
      LocalTime at = LocalTime.parse(p.getString("serviceTime"));
      if (!at.isBefore(from) && !at.isAfter(until)) {
        tail.add(p.getLong("backlog"));
      }
    }
    if (tail.size() < 3) {
      return false;
    }
    int third = tail.size() / 3;
    double first = tail.subList(0, third).stream().mapToLong(Long::longValue).average().orElse(0);
    double last =
        tail.subList(tail.size() - third, tail.size()).stream()
            .mapToLong(Long::longValue)
            .average()
            .orElse(0);
    return last > first * 1.5 + 1000;
  }

  /**
   * Events offered (falling due) and stored per second between successive progress lines, with the
   * peak of each: [[realSeconds, offered, stored], ...].
   */
  static JsonObject rates(JsonArray progress) {
    JsonArray series = new JsonArray();
    double peakOffered = 0;
    double peakStored = 0;
    for (int i = 1; i < progress.size(); i++) {
      JsonObject a = progress.getJsonObject(i - 1);
      JsonObject b = progress.getJsonObject(i);
      double dt = b.getDouble("realSeconds") - a.getDouble("realSeconds");
      if (dt <= 0) {
        continue;
      }
      double offered = (b.getLong("due") - a.getLong("due")) / dt;
      double stored = (b.getLong("accepted") - a.getLong("accepted")) / dt;
      peakOffered = Math.max(peakOffered, offered);
      peakStored = Math.max(peakStored, stored);
      series.add(
          new JsonArray()
              .add(b.getDouble("realSeconds"))
              .add(Math.round(offered))
              .add(Math.round(stored)));
    }
    return new JsonObject()
        .put("peakOfferedPerSecond", Math.round(peakOffered))
        .put("peakStoredPerSecond", Math.round(peakStored))
        .put("series", series);
  }

  /** Backlog (events) and event-to-alert latency (ms) against real seconds, as an SVG. */
  static void chart(JsonObject step, Path file) throws IOException {
    JsonArray progress = step.getJsonArray("progress");
    JsonArray latency = step.getJsonObject("summary").getJsonArray("eventToAlertTimeline");
    double maxT = 1;
    double maxBacklog = 1;
    double maxLatency = 1;
    for (int i = 0; i < progress.size(); i++) {
      JsonObject p = progress.getJsonObject(i);
      maxT = Math.max(maxT, p.getDouble("realSeconds"));
      maxBacklog = Math.max(maxBacklog, p.getLong("backlog"));
    }
    for (int i = 0; i < latency.size(); i++) {
      maxT = Math.max(maxT, latency.getJsonArray(i).getDouble(0));
      maxLatency = Math.max(maxLatency, latency.getJsonArray(i).getDouble(1));
    }
    int w = 800;
    int h = 220;
    int left = 70;
    int right = 20;
    StringBuilder svg =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                    + " font-family=\"sans-serif\" font-size=\"12\">%n",
                w,
                2 * h + 40));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"16\" font-size=\"14\">Capacity step %s (%.1f BE): backlog and"
                + " event-to-alert latency against real seconds</text>%n",
            left,
            step.getString("step"),
            step.getDouble("be")));
    // Backlog panel
    int top1 = 30;
    axes(svg, left, top1, w - left - right, h - 30, maxT, maxBacklog, "backlog (events)");
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < progress.size(); i++) {
      JsonObject p = progress.getJsonObject(i);
      points.append(
          String.format(
              Locale.ROOT,
              "%.1f,%.1f ",
              left + p.getDouble("realSeconds") / maxT * (w - left - right),
              top1 + (h - 30) * (1 - p.getLong("backlog") / maxBacklog)));
    }
    svg.append(
        "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\""
            + points.toString().trim()
            + "\"/>\n");
    // Latency panel
    int top2 = top1 + h + 10;
    axes(svg, left, top2, w - left - right, h - 30, maxT, maxLatency, "event-to-alert (ms)");
    double limitY = top2 + (h - 30) * (1 - Math.min(1, P99_LIMIT_MILLIS / maxLatency));
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d62728\""
                + " stroke-dasharray=\"4 3\"/>%n",
            left,
            limitY,
            w - right,
            limitY));
    for (int i = 0; i < latency.size(); i++) {
      JsonArray l = latency.getJsonArray(i);
      svg.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#ff7f0e\"/>%n",
              left + l.getDouble(0) / maxT * (w - left - right),
              top2 + (h - 30) * (1 - l.getDouble(1) / maxLatency)));
    }
    svg.append("</svg>\n");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, svg.toString());
  }

  private static void axes(
      StringBuilder svg, int x, int y, int w, int h, double maxT, double maxY, String label) {
    svg.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n"
                + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>%n"
                + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n"
                + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f s</text>%n"
                + "<text x=\"%d\" y=\"%d\">%s</text>%n",
            x,
            y,
            w,
            h,
            x - 4,
            y + 10,
            maxY,
            x - 4,
            y + h,
            x + w,
            y + h + 14,
            maxT,
            x + 6,
            y + 14,
            label));
  }
}
