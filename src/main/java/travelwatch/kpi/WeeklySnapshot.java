package travelwatch.kpi;

import java.time.Instant;

/**
 * One immutable version of a week's KPIs, as computed at {@code computedAt}; or, with version
 * {@link #SO_FAR}, the figures of a week not ended yet, which are stored nowhere.
 */
public record WeeklySnapshot(
    WeekEnding weekEnding, int version, Instant computedAt, KpiFigures figures) {
  /** The version of a week's figures so far. */
  public static final int SO_FAR = 0;

  /** A stored snapshot of an ended week (or one stored on request), not figures so far. */
  public boolean isFinal() {
    return version != SO_FAR;
  }
}
