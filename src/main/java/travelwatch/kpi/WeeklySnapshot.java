package travelwatch.kpi;

import java.time.Instant;

/** One immutable version of a week's KPIs, as computed at {@code computedAt}. */
public record WeeklySnapshot(
    WeekEnding weekEnding, int version, Instant computedAt, KpiFigures figures) {}
