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
    String schoolId,
    AlertType.Severity severity) {

  /** The severity is the type's unless one is given (an MI finding's is the finding's). */
  public Condition {
    severity = severity == null ? type.severity() : severity;
  }

  /** A condition at its type's severity. */
  public Condition(
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
    this(
        type,
        subject,
        serviceDate,
        runId,
        operatorId,
        crewId,
        pupilId,
        summary,
        occurrences,
        schoolId,
        null);
  }

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
