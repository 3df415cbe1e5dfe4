package travelwatch.kpi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import travelwatch.kpi.KpiFigures.Casework;
import travelwatch.kpi.KpiFigures.OperatorFigures;
import travelwatch.kpi.KpiFigures.ParentMessages;
import travelwatch.kpi.KpiFigures.SchoolFigures;

/**
 * Snapshots as the API and the snapshot tables carry them: the WeeklyKpi and DailyKpi schemas of
 * openapi.yaml.
 */
public final class KpiJson {
  private KpiJson() {}

  public static JsonObject weekly(WeeklySnapshot s) {
    JsonObject json =
        new JsonObject()
            .put("weekEnding", s.weekEnding().friday().toString())
            .put("version", s.version())
            .put("final", s.isFinal())
            .put("computedAt", s.computedAt().toString());
    return json.mergeIn(figures(s.figures()));
  }

  public static JsonObject daily(DailySnapshot s) {
    JsonObject json =
        new JsonObject()
            .put("date", s.date().toString())
            .put("version", s.version())
            .put("computedAt", s.computedAt().toString());
    return json.mergeIn(figures(s.figures()));
  }

  /** The figures alone, as stored: case work only when the figures have it. */
  static JsonObject figures(KpiFigures f) {
    JsonObject json =
        new JsonObject()
            .put("safeguarding", new JsonObject().put("count", f.safeguarding()))
            .put("routePerformance", percentage(f.routePerformance()))
            .put("pupilPerformance", percentage(f.pupilPerformance()))
            .put("routeTimePerformance", percentage(f.routeTimePerformance()))
            .put("telephonePerformance", percentage(f.telephonePerformance()));
    f.casework()
        .ifPresent(
            c ->
                json.put("busPassAssessmentsOverdue", c.busPassAssessmentsOverdue())
                    .put("transportApplicationsOverdue", c.transportApplicationsOverdue())
                    .put(
                        "complaints",
                        new JsonObject()
                            .put("received", c.complaintsReceived())
                            .put("overdue", c.complaintsOverdue())));
    ParentMessages m = f.parentMessages();
    json.put(
        "parentMessages",
        new JsonObject()
            .put("received", m.received())
            .put("answered", m.answered())
            .put("medianMinutesToAnswer", m.medianMinutesToAnswer().orElse(null)));
    JsonArray operators = new JsonArray();
    for (OperatorFigures o : f.operators()) {
      operators.add(
          new JsonObject()
              .put("operatorId", o.operatorId())
              .put("planned", o.planned())
              .put("delivered", o.delivered())
              .put("cancelled", o.cancelled())
              .put("onTime", o.onTime())
              .put("cancellationShare", o.cancellationShare().percent()));
    }
    JsonArray schools = new JsonArray();
    for (SchoolFigures sc : f.schools()) {
      schools.add(
          new JsonObject()
              .put("schoolId", sc.schoolId())
              .put("schoolName", sc.schoolName())
              .put("runsPlanned", sc.planned())
              .put("runsDelivered", sc.delivered())
              .put("runsOnTime", sc.onTime()));
    }
    return json.put("operators", operators).put("schools", schools);
  }

  /** A percentage as the API ships it: numerator, denominator and percent (null when 0/0). */
  public static JsonObject percentage(Percentage p) {
    return new JsonObject()
        .put("numerator", p.numerator())
        .put("denominator", p.denominator())
        .put("percent", p.percent());
  }

  static WeeklySnapshot weeklyFrom(LocalDate weekEnding, int version, Instant at, JsonObject f) {
    return new WeeklySnapshot(WeekEnding.of(weekEnding), version, at, figuresFrom(f));
  }

  static DailySnapshot dailyFrom(LocalDate date, int version, Instant at, JsonObject f) {
    return new DailySnapshot(date, version, at, figuresFrom(f));
  }

  /**
   * Reads stored figures; each percentage is rebuilt from its numerator and denominator. Figures
   * stored before parents' messages were counted read as none, and those stored before the runs
   * were counted by school as no school.
   */
  static KpiFigures figuresFrom(JsonObject json) {
    Optional<Casework> casework = Optional.empty();
    if (json.containsKey("busPassAssessmentsOverdue")) {
      JsonObject complaints = json.getJsonObject("complaints");
      casework =
          Optional.of(
              new Casework(
                  json.getLong("busPassAssessmentsOverdue"),
                  json.getLong("transportApplicationsOverdue"),
                  complaints.getLong("received"),
                  complaints.getLong("overdue")));
    }
    JsonArray array = json.getJsonArray("operators");
    long cancellations = 0;
    for (int i = 0; i < array.size(); i++) {
      cancellations += array.getJsonObject(i).getLong("cancelled");
    }
    List<OperatorFigures> operators = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonObject o = array.getJsonObject(i);
      operators.add(
          new OperatorFigures(
              o.getString("operatorId"),
              o.getLong("planned"),
              o.getLong("delivered"),
              o.getLong("cancelled"),
              o.getLong("onTime"),
              new Percentage(o.getLong("cancelled"), cancellations)));
    }
    List<SchoolFigures> schools = new ArrayList<>();
    JsonArray storedSchools = json.getJsonArray("schools", new JsonArray());
    for (int i = 0; i < storedSchools.size(); i++) {
      JsonObject sc = storedSchools.getJsonObject(i);
      schools.add(
          new SchoolFigures(
              sc.getString("schoolId"),
              sc.getString("schoolName"),
              sc.getLong("runsPlanned"),
              sc.getLong("runsDelivered"),
              sc.getLong("runsOnTime")));
    }
    return new KpiFigures(
        json.getJsonObject("safeguarding").getLong("count"),
        percentageFrom(json.getJsonObject("routePerformance")),
        percentageFrom(json.getJsonObject("pupilPerformance")),
        percentageFrom(json.getJsonObject("routeTimePerformance")),
        percentageFrom(json.getJsonObject("telephonePerformance")),
        casework,
        parentMessagesFrom(json.getJsonObject("parentMessages")),
        operators,
        schools);
  }

  private static ParentMessages parentMessagesFrom(JsonObject json) {
    if (json == null) {
      return ParentMessages.NONE;
    }
    Object median = json.getValue("medianMinutesToAnswer");
    return new ParentMessages(
        json.getLong("received"),
        json.getLong("answered"),
        median == null
            ? Optional.empty()
            : Optional.of(new BigDecimal(median.toString()).setScale(1, RoundingMode.HALF_UP)));
  }

  private static Percentage percentageFrom(JsonObject json) {
    return new Percentage(json.getLong("numerator"), json.getLong("denominator"));
  }
}
