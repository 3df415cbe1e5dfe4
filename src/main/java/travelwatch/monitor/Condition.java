package travelwatch.monitor;

import java.time.LocalDate;
import travelwatch.alert.AlertType;

/**
 * Something a rule finds true now: the alert it calls for. Two conditions with the same dedup key
 * (type + subject + service day) are one alert.
 */
public record Condition(
    AlertType type,
    String subject,
    LocalDate serviceDate,
    String runId,
    String operatorId,
    String crewId,
    String pupilId,
    String summary) {

  public String dedupKey() {
    return type.wireName() + "|" + subject + "|" + serviceDate;
  }
}
