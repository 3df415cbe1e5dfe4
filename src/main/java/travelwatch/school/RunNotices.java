package travelwatch.school;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which notices a school office is owed about a run: a run to the school late by {@code lateAfter}
 * or more (predicted or actual; a run not arrived counts as late by the time past its arrive-by),
 * once and again each time it grows by {@code lateStep}; a run to or from the school cancelled.
 * Plain Java.
 */
public final class RunNotices {
  /** What a school is told. */
  public enum Kind {
    LATE,
    CANCELLED,
    DROPPED_ELSEWHERE;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Kind parse(String text) {
      return valueOf(text.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** A notice: its kind, what it is about (the run, or a pupil), and minutes late. */
  public record Notice(Kind kind, String subject, int minutes) {}

  /** A run of the day as the notices need it. */
  public record SchoolRun(
      String schoolId,
      String runId,
      String direction,
      Instant arriveBy,
      String status,
      Instant eta,
      Integer minutesLate) {}

  private final Duration lateAfter;
  private final Duration lateStep;

  public RunNotices(Duration lateAfter, Duration lateStep) {
    this.lateAfter = lateAfter;
    this.lateStep = lateStep;
  }

  public List<Notice> due(SchoolRun run, List<Notice> sent, Instant now) {
    List<Notice> due = new ArrayList<>();
    if ("cancelled".equals(run.status())) {
      Notice n = new Notice(Kind.CANCELLED, run.runId(), 0);
      if (!sent.contains(n)) {
        due.add(n);
      }
      return due;
    }
    boolean arrived = "arrived".equals(run.status()) || "completed".equals(run.status());
    if (!"AM".equals(run.direction()) || arrived) {
      return due;
    }
    int late = minutesLate(run, now);
    int told = -1;
    for (Notice n : sent) {
      if (n.kind() == Kind.LATE) {
        told = Math.max(told, n.minutes());
      }
    }
    if ((told < 0 && late >= lateAfter.toMinutes())
        || (told >= 0 && late >= told + lateStep.toMinutes())) {
      due.add(new Notice(Kind.LATE, run.runId(), late));
    }
    return due;
  }

  /** The run's lateness at its school: as predicted, or the time already past its arrive-by. */
  static int minutesLate(SchoolRun run, Instant now) {
    int predicted = run.minutesLate() == null ? 0 : run.minutesLate();
    long past = Duration.between(run.arriveBy(), now).toMinutes();
    return (int) Math.max(predicted, Math.max(0, past));
  }
}
