package travelwatch.kpi;

import java.math.BigDecimal;
import java.util.List;
import java.util.function.Function;

/** The rows of the council's weekly KPI table, in its order, each a cell from a week's figures. */
final class KpiTable {
  private KpiTable() {}

  /** One KPI row: its name as the council writes it and how a week's cell reads. */
  record KpiRow(String name, Function<KpiFigures, String> cell) {}

  static final List<KpiRow> ROWS =
      List.of(
          new KpiRow("Safeguarding", f -> Long.toString(f.safeguarding())),
          new KpiRow("Route Performance", f -> f.routePerformance().display()),
          new KpiRow("Pupil Performance", f -> f.pupilPerformance().display()),
          new KpiRow("Route Time Performance", f -> f.routeTimePerformance().display()),
          new KpiRow("Telephone Performance", f -> f.telephonePerformance().display()),
          new KpiRow(
              "Bus Pass Assessments Overdue", f -> casework(f, c -> c.busPassAssessmentsOverdue())),
          new KpiRow(
              "Transport Applications Overdue",
              f -> casework(f, c -> c.transportApplicationsOverdue())),
          new KpiRow("Complaints Received", f -> casework(f, c -> c.complaintsReceived())),
          new KpiRow("Complaints Overdue", f -> casework(f, c -> c.complaintsOverdue())),
          new KpiRow(
              "Parents' messages: received / answered / median minutes to answer",
              KpiTable::parentMessages));

  /** Like {@code 12 / 11 / 7.5}; the median is n/a when no message was answered. */
  private static String parentMessages(KpiFigures f) {
    KpiFigures.ParentMessages m = f.parentMessages();
    return m.received()
        + " / "
        + m.answered()
        + " / "
        + m.medianMinutesToAnswer().map(BigDecimal::toPlainString).orElse("n/a");
  }

  private static String casework(KpiFigures f, Function<KpiFigures.Casework, Long> count) {
    return f.casework().map(c -> Long.toString(count.apply(c))).orElse("");
  }
}
