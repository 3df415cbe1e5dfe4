package travelwatch.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.kpi.KpiFigures.CallCounts;
import travelwatch.kpi.KpiFigures.Casework;
import travelwatch.kpi.KpiFigures.ParentMessages;
import travelwatch.kpi.KpiFigures.RunCounts;
import travelwatch.kpi.KpiFigures.SchoolFigures;

@Timeout(10)
@DisplayName("Weekly KPI email: the council's table, KPIs as rows and weeks as columns")
class WeeklyKpiEmailTest {

  private static WeeklySnapshot week(
      String friday, long delivered, long planned, long answered, long offered, long safeguarding) {
    return new WeeklySnapshot(
        WeekEnding.of(LocalDate.parse(friday)),
        1,
        Instant.parse(friday + "T17:00:00Z"),
        KpiFigures.from(
            safeguarding,
            List.of(
                new RunCounts("OP<1>", planned - 10, delivered - 10, 3, delivered - 12, 90, 89),
                new RunCounts("OP2", 10, 10, 1, 10, 10, 10)),
            new CallCounts(offered, answered),
            Optional.of(new Casework(62, 33, 34, 0)),
            new ParentMessages(12, 11, Optional.of(new BigDecimal("7.5"))),
            List.of(new SchoolFigures("SCH9", "Old School", planned, delivered, delivered - 2))));
  }

  private final List<WeeklySnapshot> weeks =
      List.of(
          week("2022-02-18", 5076, 5080, 187, 193, 3),
          week("2022-02-11", 5101, 5105, 226, 245, 0),
          new WeeklySnapshot(
              WeekEnding.of(LocalDate.parse("2022-02-25")),
              2,
              Instant.parse("2022-02-28T09:15:00Z"),
              KpiFigures.from(
                  0,
                  List.of(new RunCounts("OP<1>", 1, 1, 0, 1, 0, 0)),
                  new CallCounts(80, 76),
                  Optional.of(new Casework(56, 36, 0, 0)),
                  new ParentMessages(3, 0, Optional.empty()),
                  List.of(
                      new SchoolFigures("SCH1", "Hillcrest <Primary>", 12, 11, 9),
                      new SchoolFigures("SCH2", "Meadow Lane", 3, 3, 3)))));

  @Test
  @DisplayName("HTML: weeks oldest first as dd/MM/yyyy columns, cells like 99.92% (5101/5105)")
  void html() {
    WeeklyKpiEmail.Content email = new WeeklyKpiEmail(ZoneId.of("Europe/London")).render(weeks);

    assertThat(email.subject()).isEqualTo("TravelWatch weekly KPIs: week ending 25/02/2022");
    String html = email.html();
    assertThat(html.indexOf("11/02/2022")).isLessThan(html.indexOf("18/02/2022"));
    assertThat(html.indexOf("18/02/2022"))
        .isLessThan(
            html.indexOf(
                "<th style=\"border:1px solid #999;padding:4px 8px;text-align:left\">25/02/2022"));
    assertThat(html)
        .contains(
            "<th scope=\"row\" style=\"border:1px solid #999;padding:4px 8px;text-align:left\">Route Performance</th>")
        .contains(">99.92% (5101/5105)</td>")
        .contains(">92.24% (226/245)</td>")
        .contains(">Safeguarding</th>")
        .contains(">Bus Pass Assessments Overdue</th>")
        .contains(">62</td>")
        .contains(">n/a (0/0)</td>")
        .contains(">95.00% (76/80)</td>")
        .contains(">Parents&#39; messages: received / answered / median minutes to answer</th>")
        .contains(">12 / 11 / 7.5</td>")
        .contains(">3 / 0 / n/a</td>")
        .contains("OP&lt;1&gt;")
        .doesNotContain("OP<1>")
        .doesNotContain("100.00% (0/0)");
    assertThat(html).contains("version 2, computed 28/02/2022 09:15");
    assertThat(html)
        .as("by school, the latest week only, after the operators")
        .contains(
            "<h3>By school: contracted against delivered, week ending 25/02/2022</h3>",
            "<th scope=\"row\" style=\"border:1px solid #999;padding:4px 8px;text-align:left\">"
                + "SCH1</th><td style=\"border:1px solid #999;padding:4px 8px;text-align:left\">"
                + "Hillcrest &lt;Primary&gt;</td>"
                + "<td style=\"border:1px solid #999;padding:4px 8px;text-align:right\">12</td>"
                + "<td style=\"border:1px solid #999;padding:4px 8px;text-align:right\">11</td>"
                + "<td style=\"border:1px solid #999;padding:4px 8px;text-align:right\">9</td>",
            ">Meadow Lane</td>")
        .doesNotContain("Hillcrest <Primary>")
        .doesNotContain("Old School");
    assertThat(html.indexOf("By school")).isGreaterThan(html.indexOf("OP&lt;1&gt;"));
  }

  @Test
  @DisplayName("Plain text: the same table in aligned columns")
  void text() {
    String text = new WeeklyKpiEmail(ZoneId.of("Europe/London")).render(weeks).text();
    List<String> lines = text.lines().toList();

    assertThat(lines.get(2)).matches("KPI +11/02/2022 +18/02/2022 +25/02/2022");
    assertThat(text)
        .containsPattern(
            "Route Performance +99\\.92% \\(5101/5105\\) +99\\.92% \\(5076/5080\\) +100\\.00% \\(1/1\\)")
        .containsPattern(
            "Pupil Performance +99\\.00% \\(99/100\\) +99\\.00% \\(99/100\\) +n/a \\(0/0\\)")
        .containsPattern("Telephone Performance +92\\.24% \\(226/245\\) +96\\.89% \\(187/193\\)")
        .containsPattern("Safeguarding +0 +3 +0")
        .containsPattern(
            "Parents' messages: received / answered / median minutes to answer +12 / 11 / 7\\.5"
                + " +12 / 11 / 7\\.5 +3 / 0 / n/a")
        .contains("Contracted against delivered, week ending 25/02/2022");
    // Each row of the KPI table lines up under its header.
    int column = lines.get(2).indexOf("18/02/2022") + "18/02/2022".length();
    String route = lines.stream().filter(l -> l.startsWith("Route Performance")).findFirst().get();
    assertThat(route.substring(0, column)).endsWith("99.92% (5076/5080)");

    int operator =
        lines.indexOf(lines.stream().filter(l -> l.startsWith("OP<1>")).findFirst().get());
    int schools = lines.indexOf("By school: contracted against delivered, week ending 25/02/2022");
    assertThat(schools).as("by school, after the operators").isGreaterThan(operator);
    assertThat(lines.subList(schools + 1, schools + 6))
        .containsExactly(
            "",
            "School  Name                 Planned  Delivered  On time",
            "------  -------------------  -------  ---------  -------",
            "SCH1    Hillcrest <Primary>       12         11        9",
            "SCH2    Meadow Lane                3          3        3");
    assertThat(text).doesNotContain("Old School");
  }
}
