package travelwatch.alert;

import java.time.LocalDate;

/**
 * Something a rule finds true now: the alert it calls for. Two conditions with the same dedup key
 * (type + subject + service day) are one alert. {@code occurrences} is how many reports it folds
 * (incidents sent in a burst), counted from the events, so a replay gives the same number.
 */
public record Condition(
    AlertType type,
    String subject,
    LocalDate serviceDate,
    String runId,
    String operatorId,
    String crewId,
    String pupilId,
    String summary,
    int occurrences,
    String schoolId) {

  public Condition(
      AlertType type,
      String subject,
      LocalDate serviceDate,
      String runId,
      String operatorId,
      String crewId,
      String pupilId,
      String summary) {
    this(type, subject, serviceDate, runId, operatorId, crewId, pupilId, summary, 1, null);
  }

  /** A condition of a run: its school is the run's, found when the alert is stored. */
  public Condition(
      AlertType type,
      String subject,
      LocalDate serviceDate,
      String runId,
      String operatorId,
      String crewId,
      String pupilId,
      String summary,
      int occurrences) {
    this(
        type, subject, serviceDate, runId, operatorId, crewId, pupilId, summary, occurrences, null);
  }

  /**
   * The start of the subject of an alert raised from a person's report (a school's): the monitors
   * never decide it, so a rebuilt monitor leaves it to people to resolve.
   */
  public static final String REPORTED_SUBJECT = "report:";

  public String dedupKey() {
    return type.wireName() + "|" + subject + "|" + serviceDate;
  }
}
