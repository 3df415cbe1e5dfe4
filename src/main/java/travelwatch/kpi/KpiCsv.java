package travelwatch.kpi;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import travelwatch.kpi.KpiFigures.OperatorFigures;
import travelwatch.kpi.KpiFigures.ParentMessages;
import travelwatch.kpi.KpiFigures.SchoolFigures;
import travelwatch.platform.CsvText;

/**
 * A weekly snapshot as CSV (RFC 4180): one figure a row, KPIs first, then each operator's runs and
 * then each school's (by school: their own KPI names, the school in the last two cells), so it
 * pivots in a spreadsheet. A percentage with nothing to measure has an empty percent cell; the
 * median minutes to answer parents' messages is in the count cell, empty when none was answered.
 */
public final class KpiCsv {
  static final String HEADER =
      "weekEnding,version,computedAt,kpi,operatorId,count,numerator,denominator,percent,"
          + "schoolId,schoolName";

  private KpiCsv() {}

  public static String weekly(WeeklySnapshot s) {
    KpiFigures f = s.figures();
    List<List<String>> rows = new ArrayList<>();
    rows.add(count("Safeguarding", "", f.safeguarding()));
    rows.add(percentage("Route Performance", "", f.routePerformance()));
    rows.add(percentage("Pupil Performance", "", f.pupilPerformance()));
    rows.add(percentage("Route Time Performance", "", f.routeTimePerformance()));
    rows.add(percentage("Telephone Performance", "", f.telephonePerformance()));
    f.casework()
        .ifPresent(
            c -> {
              rows.add(count("Bus Pass Assessments Overdue", "", c.busPassAssessmentsOverdue()));
              rows.add(
                  count("Transport Applications Overdue", "", c.transportApplicationsOverdue()));
              rows.add(count("Complaints Received", "", c.complaintsReceived()));
              rows.add(count("Complaints Overdue", "", c.complaintsOverdue()));
            });
    ParentMessages m = f.parentMessages();
    rows.add(count("Parents' Messages Received", "", m.received()));
    rows.add(count("Parents' Messages Answered", "", m.answered()));
    rows.add(minutes("Parents' Messages Median Minutes To Answer", m.medianMinutesToAnswer()));
    for (OperatorFigures o : f.operators()) {
      rows.add(count("Runs Planned", o.operatorId(), o.planned()));
      rows.add(count("Runs Delivered", o.operatorId(), o.delivered()));
      rows.add(count("Runs Cancelled", o.operatorId(), o.cancelled()));
      rows.add(count("Runs On Time", o.operatorId(), o.onTime()));
      rows.add(percentage("Cancellation Share", o.operatorId(), o.cancellationShare()));
    }
    for (SchoolFigures school : f.schools()) {
      rows.add(count("Runs Planned By School", school, school.planned()));
      rows.add(count("Runs Delivered By School", school, school.delivered()));
      rows.add(count("Runs On Time By School", school, school.onTime()));
    }
    StringBuilder csv = new StringBuilder(HEADER).append("\r\n");
    for (List<String> row : rows) {
      csv.append(field(s.weekEnding().toString()))
          .append(',')
          .append(s.version())
          .append(',')
          .append(field(s.computedAt().toString()));
      for (String cell : row) {
        csv.append(',').append(field(cell));
      }
      csv.append("\r\n");
    }
    return csv.toString();
  }

  private static List<String> count(String kpi, String operatorId, long count) {
    return List.of(kpi, operatorId, Long.toString(count), "", "", "", "", "");
  }

  private static List<String> count(String kpi, SchoolFigures school, long count) {
    return List.of(
        kpi, "", Long.toString(count), "", "", "", school.schoolId(), school.schoolName());
  }

  private static List<String> minutes(String kpi, Optional<BigDecimal> minutes) {
    return List.of(kpi, "", minutes.map(BigDecimal::toPlainString).orElse(""), "", "", "", "", "");
  }

  private static List<String> percentage(String kpi, String operatorId, Percentage p) {
    BigDecimal percent = p.percent();
    return List.of(
        kpi,
        operatorId,
        "",
        Long.toString(p.numerator()),
        Long.toString(p.denominator()),
        percent == null ? "" : percent.toPlainString(),
        "",
        "");
  }

  /** See {@link CsvText#field}. */
  static String field(String value) {
    return CsvText.field(value);
  }
}
