package travelwatch.kpi;

import java.time.Instant;
import java.time.LocalDate;

/** One immutable version of a day's figures (no case work), as computed at {@code computedAt}. */
public record DailySnapshot(LocalDate date, int version, Instant computedAt, KpiFigures figures) {}
