package travelwatch.config;

import java.time.Duration;

/**
 * School offices' emails: how late a run to the school is before the office is told, by how much
 * more before it is told again, and how often the notices are looked for.
 */
public record SchoolConfig(Duration lateAfter, Duration lateStep, Duration noticeEvery) {
  static SchoolConfig from(Settings s) {
    return new SchoolConfig(
        Duration.ofMinutes(s.integer("schoolLateMinutes", 10, 1, 240)),
        Duration.ofMinutes(s.integer("schoolLateStepMinutes", 15, 1, 240)),
        Duration.ofSeconds(s.integer("schoolNoticeSeconds", 15, 1, 3600)));
  }
}
