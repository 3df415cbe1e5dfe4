package travelwatch.parent;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import travelwatch.config.ParentConfig;

/**
 * Which notices a parent is owed for one journey, given what they asked for and what they have been
 * told: a cancellation at once, at any hour; outside the quiet hours, a late notice once the
 * journey is {@code lateAfter} late at their stop (and again each time it grows by {@code
 * lateStep}), and the pick-up and the drop-off while they are news. Plain Java.
 */
public final class JourneyNotices {
  /** A pick-up or drop-off older than this is not news any more (a parent who subscribed late). */
  static final Duration NEWS_FOR = Duration.ofMinutes(30);

  /** What a parent may ask to be told. */
  public enum Kind {
    LATE,
    CANCELLED,
    PICKED_UP,
    DROPPED_OFF;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Kind parse(String text) {
      return valueOf(text.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** A notice: its kind and, for a late one, by how many minutes. */
  public record Notice(Kind kind, int minutes) {}

  private final ParentConfig config;
  private final ZoneId zone;

  public JourneyNotices(ParentConfig config, ZoneId zone) {
    this.config = config;
    this.zone = zone;
  }

  /** The notices due now that have not been sent ({@code sent} holds those that have). */
  public List<Notice> due(Journey j, Set<Kind> wanted, List<Notice> sent, Instant now) {
    List<Notice> due = new ArrayList<>();
    Journey.Status status = j.status();
    if (status == Journey.Status.CANCELLED) {
      add(due, wanted, sent, new Notice(Kind.CANCELLED, 0));
      return due;
    }
    if (config.quiet(now.atZone(zone).toLocalTime())) {
      return due;
    }
    if (j.boardedAt() != null && fresh(j.boardedAt(), now)) {
      add(due, wanted, sent, new Notice(Kind.PICKED_UP, 0));
    }
    if (j.deliveredAt() != null && fresh(j.deliveredAt(), now)) {
      add(due, wanted, sent, new Notice(Kind.DROPPED_OFF, 0));
    }
    if (status != Journey.Status.NO_TRAVEL_TODAY && !j.pastTheirStop()) {
      int late = j.minutesLateAtTheirStop(now);
      int told = -1;
      for (Notice n : sent) {
        if (n.kind() == Kind.LATE) {
          told = Math.max(told, n.minutes());
        }
      }
      boolean first = told < 0 && late >= config.lateAfter().toMinutes();
      boolean grown = told >= 0 && late >= told + config.lateStep().toMinutes();
      if (first || grown) {
        add(due, wanted, sent, new Notice(Kind.LATE, late));
      }
    }
    return due;
  }

  private static boolean fresh(Instant at, Instant now) {
    return !at.isBefore(now.minus(NEWS_FOR));
  }

  private static void add(List<Notice> due, Set<Kind> wanted, List<Notice> sent, Notice n) {
    if (!wanted.contains(n.kind())) {
      return;
    }
    for (Notice s : sent) {
      if (s.kind() == n.kind() && (n.kind() != Kind.LATE || s.minutes() == n.minutes())) {
        return;
      }
    }
    due.add(n);
  }
}
