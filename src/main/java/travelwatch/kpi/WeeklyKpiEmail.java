package travelwatch.kpi;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import travelwatch.kpi.KpiFigures.OperatorFigures;
import travelwatch.kpi.KpiFigures.SchoolFigures;
import travelwatch.platform.HtmlText;

/**
 * The managers' weekly KPI email in the council's layout: KPIs as rows, the last several weeks as
 * columns (oldest first), each cell like {@code 99.92% (5101/5105)}; then "contracted against
 * delivered" per operator and by school for the latest week. An HTML part and an equivalent
 * plain-text part.
 */
public final class WeeklyKpiEmail {
  private static final DateTimeFormatter COUNCIL_DATE = DateTimeFormatter.ofPattern("dd/MM/yyyy");
  private static final DateTimeFormatter COMPUTED_AT =
      DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm");

  private final ZoneId zone;

  public WeeklyKpiEmail(ZoneId zone) {
    this.zone = zone;
  }

  /** The email's content. */
  public record Content(String subject, String html, String text) {}

  /** Renders the snapshots given (one per week; at least one), the newest week last. */
  public Content render(List<WeeklySnapshot> snapshots) {
    if (snapshots.isEmpty()) {
      throw new IllegalArgumentException("the weekly KPI email needs at least one week");
    }
    List<WeeklySnapshot> weeks = new ArrayList<>(snapshots);
    weeks.sort(Comparator.comparing(WeeklySnapshot::weekEnding));
    WeeklySnapshot latest = weeks.get(weeks.size() - 1);
    String subject =
        "TravelWatch weekly KPIs: week ending " + latest.weekEnding().friday().format(COUNCIL_DATE);

    List<String> header = new ArrayList<>();
    header.add("KPI");
    weeks.forEach(w -> header.add(w.weekEnding().friday().format(COUNCIL_DATE)));
    List<List<String>> kpis = new ArrayList<>();
    for (KpiTable.KpiRow row : KpiTable.ROWS) {
      List<String> cells = new ArrayList<>();
      cells.add(row.name());
      weeks.forEach(w -> cells.add(row.cell().apply(w.figures())));
      kpis.add(cells);
    }

    List<String> operatorHeader =
        List.of(
            "Operator", "Planned", "Delivered", "Cancelled", "On time", "Share of cancellations");
    List<List<String>> operators = new ArrayList<>();
    for (OperatorFigures o : latest.figures().operators()) {
      operators.add(
          List.of(
              o.operatorId(),
              Long.toString(o.planned()),
              Long.toString(o.delivered()),
              Long.toString(o.cancelled()),
              Long.toString(o.onTime()),
              o.cancellationShare().display()));
    }
    List<String> schoolHeader = List.of("School", "Name", "Planned", "Delivered", "On time");
    List<List<String>> schools = new ArrayList<>();
    for (SchoolFigures school : latest.figures().schools()) {
      schools.add(
          List.of(
              school.schoolId(),
              school.schoolName(),
              Long.toString(school.planned()),
              Long.toString(school.delivered()),
              Long.toString(school.onTime())));
    }
    String footnote =
        "Week ending "
            + latest.weekEnding().friday().format(COUNCIL_DATE)
            + ": version "
            + latest.version()
            + ", computed "
            + latest.computedAt().atZone(zone).format(COMPUTED_AT)
            + ". n/a means there was nothing to measure.";
    String operatorsTitle =
        "Contracted against delivered, week ending "
            + latest.weekEnding().friday().format(COUNCIL_DATE);
    String schoolsTitle =
        "By school: contracted against delivered, week ending "
            + latest.weekEnding().friday().format(COUNCIL_DATE);

    String html =
        "<!DOCTYPE html>\n<html><body style=\"font-family:Arial,sans-serif\">\n"
            + "<h2>"
            + HtmlText.escape(subject)
            + "</h2>\n"
            + htmlTable(header, kpis, 1)
            + "<h3>"
            + HtmlText.escape(operatorsTitle)
            + "</h3>\n"
            + htmlTable(operatorHeader, operators, 1)
            + "<h3>"
            + HtmlText.escape(schoolsTitle)
            + "</h3>\n"
            + htmlTable(schoolHeader, schools, 2)
            + "<p>"
            + HtmlText.escape(footnote)
            + "</p>\n</body></html>\n";
    String text =
        subject
            + "\n\n"
            + textTable(header, kpis, 1)
            + "\n"
            + operatorsTitle
            + "\n\n"
            + textTable(operatorHeader, operators, 1)
            + "\n"
            + schoolsTitle
            + "\n\n"
            + textTable(schoolHeader, schools, 2)
            + "\n"
            + footnote
            + "\n";
    return new Content(subject, html, text);
  }

  /** A table whose first {@code labels} columns are left-aligned text, the rest figures. */
  private static String htmlTable(List<String> header, List<List<String>> rows, int labels) {
    String cell = "border:1px solid #999;padding:4px 8px;";
    StringBuilder html =
        new StringBuilder("<table style=\"border-collapse:collapse\">\n<thead><tr>");
    for (String h : header) {
      html.append("<th style=\"").append(cell).append("text-align:left\">");
      html.append(HtmlText.escape(h)).append("</th>");
    }
    html.append("</tr></thead>\n<tbody>\n");
    for (List<String> row : rows) {
      html.append("<tr>");
      for (int i = 0; i < row.size(); i++) {
        String align = i < labels ? "text-align:left" : "text-align:right";
        html.append(i == 0 ? "<th scope=\"row\" style=\"" : "<td style=\"")
            .append(cell)
            .append(align)
            .append("\">")
            .append(HtmlText.escape(row.get(i)))
            .append(i == 0 ? "</th>" : "</td>");
      }
      html.append("</tr>\n");
    }
    return html.append("</tbody>\n</table>\n").toString();
  }

  /** As {@link #htmlTable}, in aligned columns. */
  private static String textTable(List<String> header, List<List<String>> rows, int labels) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder text = new StringBuilder();
    line(text, header, widths, labels);
    List<String> rule = new ArrayList<>();
    for (int w : widths) {
      rule.add("-".repeat(w));
    }
    line(text, rule, widths, labels);
    rows.forEach(r -> line(text, r, widths, labels));
    return text.toString();
  }

  private static void line(StringBuilder text, List<String> cells, int[] widths, int labels) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      String pad = " ".repeat(widths[i] - c.length());
      line.append(i < labels ? c + pad : pad + c);
      if (i < cells.size() - 1) {
        line.append("  ");
      }
    }
    text.append(line.toString().stripTrailing()).append('\n');
  }
}
