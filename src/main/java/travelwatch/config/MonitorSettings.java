package travelwatch.config;

import java.time.Duration;

/**
 * Every rule's threshold, configurable; the defaults are those docs/contract.md gives ("Alerts").
 */
public record MonitorSettings(
    Duration notStartedBefore,
    Duration lateAfter,
    Duration feedSilentAfter,
    Duration missedPickupGrace,
    Duration callWindow,
    double callAnswerRateMin,
    int callMinOffered,
    Duration callLongWait,
    int dbsMaxAgeYears,
    int journeyPrimaryMinutes,
    int journeySecondaryMinutes,
    int journeySpecialMinutes,
    double defaultSpeedKph,
    double detourFactor,
    double stopRadiusMetres,
    double leftStopMetres,
    boolean autoResolve) {

  public static MonitorSettings defaults() {
    return new MonitorSettings(
        Duration.ofMinutes(10),
        Duration.ofMinutes(5),
        Duration.ofMinutes(10),
        Duration.ofSeconds(60),
        Duration.ofMinutes(60),
        0.95,
        10,
        Duration.ofMinutes(5),
        3,
        45,
        75,
        60,
        25,
        1.3,
        150,
        300,
        false);
  }
}
