package travelwatch.mi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.Year;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.config.Settings;
import travelwatch.config.TravelWatchConfig;
import travelwatch.kpi.WorkingDays;
import travelwatch.mi.Finding.Kind;
import travelwatch.mi.MiReturn.Dbs;
import travelwatch.mi.Reconciliation.CrewRecord;
import travelwatch.mi.Reconciliation.PlanFacts;
import travelwatch.mi.Reconciliation.PlannedRun;
import travelwatch.mi.Reconciliation.RecordedFacts;
import travelwatch.mi.Reconciliation.RecordedRun;

/** The monthly returns' plain-Java core: the CSV reader, the reconciliation and the due date. */
@DisplayName("Monthly returns, in plain Java: reading, reconciling, the due date")
class MiDomainTest {
  private static final YearMonth NOV = YearMonth.of(2026, 11);
  private static final String CREW_HEADER = String.join(",", MiReturn.CREW_COLUMNS) + "\r\n";
  private static final String RUNS_HEADER = String.join(",", MiReturn.RUN_COLUMNS) + "\r\n";
  private static final String DRIVER =
      "D1,driver,001234567890,2025-11-01,clear,yes,yes,BHX1,Birmingham City Council,2027-11-01\r\n";

  private static MiReturnReader.Outcome read(String crew, String runs) {
    return MiReturnReader.read(
        NOV, crew.getBytes(StandardCharsets.UTF_8), runs.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("RFC 4180 quoting is read: quoted commas, doubled quotes and quoted line breaks")
  void quotedFieldsAreRead() {
    CsvFile.Table t =
        CsvFile.read(
            "crew",
            "a,b,c\r\n\"x,y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nq,r,s\r\n"
                .getBytes(StandardCharsets.UTF_8),
            10);
    assertThat(t.problems()).isEmpty();
    assertThat(t.rows()).hasSize(2);
    assertThat(t.rows().get(0).fields()).containsExactly("x,y", "say \"hi\"", "two\r\nlines");
    assertThat(t.rows().get(1).line()).isEqualTo(4);
  }

  @Test
  @DisplayName("A quote inside an unquoted field and text after a closing quote are problems")
  void strayQuotesAreProblems() {
    CsvFile.Table t =
        CsvFile.read("runs", "a,b\r\nx\"y,z\r\n\"p\"q,r\r\n".getBytes(StandardCharsets.UTF_8), 10);
    assertThat(t.problems())
        .extracting(p -> p.line() + ":" + p.column())
        .containsExactly("2:1", "3:1");
  }

  @Test
  @DisplayName("A well-formed return is read, with its lines")
  void goodReturnIsRead() {
    var outcome =
        read(
            CREW_HEADER + DRIVER,
            RUNS_HEADER + "2026-11-02,R1,AM,D1,,AB12 CDE,yes\r\n2026-11-02,R1,PM,,,,no\r\n");
    assertThat(outcome.problems()).isEmpty();
    MiReturn r = outcome.read().orElseThrow();
    assertThat(r.crew()).hasSize(1);
    assertThat(r.runs()).hasSize(2);
    assertThat(r.runs().get(1).line()).isEqualTo(3);
  }

  @Test
  @DisplayName("Bad values are each named by file, line and column")
  void badValuesAreNamed() {
    var outcome =
        read(
            CREW_HEADER
                + "D1,pilot,001234567890,2025-13-01,clear,yes,maybe,BHX1,Birmingham,2027-11-01\r\n",
            RUNS_HEADER + "2026-12-02,R1,AM,D1,,AB12 CDE,yes\r\n2026-11-02,R1,AM,D1,,X,yes,7\r\n");
    assertThat(outcome.read()).isEmpty();
    assertThat(outcome.problems())
        .extracting(p -> p.file() + ":" + p.line() + ":" + p.column())
        .containsExactlyInAnyOrder("crew:2:2", "crew:2:4", "crew:2:7", "runs:2:1", "runs:3:8");
  }

  @Test
  @DisplayName("A header without a column names the column that is missing")
  void missingColumnIsNamed() {
    var outcome = read(CREW_HEADER, "date,routeId,direction,driverId,guideId,operated\r\n");
    assertThat(outcome.problems())
        .anySatisfy(
            p -> {
              assertThat(p.file()).isEqualTo("runs");
              assertThat(p.line()).isEqualTo(1);
              assertThat(p.message()).contains("vehicleReg");
            });
  }

  @Test
  @DisplayName("Bytes that are not UTF-8 are a problem at their line")
  void wrongEncodingIsRefused() {
    byte[] latin1 =
        (CREW_HEADER + "D1,driver,001234567890,2025-11-01,clear,yes,yes,BHX1,Sm\u00f8rg,2027-11-01")
            .getBytes(StandardCharsets.ISO_8859_1);
    var outcome = MiReturnReader.read(NOV, latin1, RUNS_HEADER.getBytes(StandardCharsets.UTF_8));
    assertThat(outcome.problems()).hasSize(1);
    assertThat(outcome.problems().get(0).line()).isEqualTo(2);
    assertThat(outcome.problems().get(0).column()).isEqualTo(9);
    assertThat(outcome.problems().get(0).message()).contains("UTF-8");
  }

  @Test
  @DisplayName(
      "More rows than a return may hold stop the reading with a problem at the first one over")
  void tooManyRowsAreRefused() {
    StringBuilder runs = new StringBuilder(RUNS_HEADER);
    for (int i = 0; i < 100_000; i++) {
      runs.append("2026-11-02,R").append(i).append(",AM,D1,,AB12 CDE,yes\r\n");
    }
    var outcome = read(CREW_HEADER + DRIVER, runs.toString());
    assertThat(outcome.problems())
        .anySatisfy(
            p -> {
              assertThat(p.line()).isEqualTo(MiReturnReader.MAX_ROWS + 2);
              assertThat(p.message()).contains("at most");
            });
  }

  // --- Reconciliation ---

  private static final LocalDate D1 = LocalDate.of(2026, 11, 2);
  private static final LocalDate D2 = LocalDate.of(2026, 11, 20);
  private static final Dbs CLEAR = new Dbs("001234567890", LocalDate.of(2025, 11, 1), false);

  private static MiReturn.CrewLine crew(String id, Dbs dbs, LocalDate badge) {
    return new MiReturn.CrewLine(
        2,
        id,
        "driver",
        dbs,
        true,
        true,
        Optional.of("B1"),
        Optional.of("Birmingham"),
        Optional.ofNullable(badge));
  }

  private static MiReturn.RunLine run(LocalDate date, String driver, String reg, boolean operated) {
    return new MiReturn.RunLine(
        2,
        date,
        "R1",
        "AM",
        Optional.ofNullable(driver),
        Optional.empty(),
        Optional.ofNullable(reg),
        operated);
  }

  private static RecordedRun started(String runId, String driver, String reg) {
    return new RecordedRun(
        runId,
        true,
        false,
        Optional.of(driver),
        Optional.empty(),
        Optional.of(reg),
        Set.of(driver));
  }

  private static final PlanFacts PLAN =
      new PlanFacts(
          List.of(new PlannedRun("R1-1", "R1", D1, "AM"), new PlannedRun("R1-2", "R1", D2, "AM")),
          Map.of(
              "D1",
              new CrewRecord(
                  "D1", Optional.of(CLEAR), Optional.empty(), Optional.of(D2.plusYears(1)))));

  @Test
  @DisplayName("A return that says what was recorded has no findings")
  void cleanReturnHasNoFindings() {
    MiReturn r =
        new MiReturn(
            NOV,
            List.of(crew("D1", CLEAR, D2.plusYears(1))),
            List.of(run(D1, "D1", "AB12 CDE", true), run(D2, "D1", "ab12cde", true)));
    RecordedFacts recorded =
        new RecordedFacts(
            Map.of(
                "R1-1", started("R1-1", "D1", "AB12 CDE"),
                "R1-2", started("R1-2", "D1", "AB12 CDE")));
    assertThat(Reconciliation.of(r, PLAN, recorded)).isEmpty();
  }

  @Test
  @DisplayName("Each difference is one finding of its kind")
  void eachDifferenceIsOneFinding() {
    Dbs positive = new Dbs("009", LocalDate.of(2025, 1, 1), true);
    MiReturn r =
        new MiReturn(
            NOV,
            List.of(crew("D1", positive, LocalDate.of(2026, 11, 10))),
            List.of(run(D1, "D1", "XX11 XXX", true), run(D2, "D9", "AB12 CDE", true)));
    RecordedFacts recorded =
        new RecordedFacts(
            Map.of(
                "R1-1",
                started("R1-1", "D1", "AB12 CDE"),
                "R1-2",
                new RecordedRun(
                    "R1-2",
                    false,
                    true,
                    Optional.of("D7"),
                    Optional.empty(),
                    Optional.empty(),
                    Set.of("D7"))));
    PlanFacts plan =
        new PlanFacts(
            PLAN.runs(),
            Map.of(
                "D1",
                new CrewRecord(
                    "D1",
                    Optional.of(CLEAR),
                    Optional.empty(),
                    Optional.of(LocalDate.of(2026, 11, 10)))));
    List<Kind> kinds = Reconciliation.of(r, plan, recorded).stream().map(Finding::kind).toList();
    assertThat(kinds)
        .containsExactly(
            Kind.CREW_WORKED_NOT_DECLARED, // D7, assigned to the cancelled run
            Kind.CREW_POSITIVE_DBS_NOT_CLEARED, // D1 declared positive, worked
            Kind.CREW_DBS_MISMATCH, // D1's certificate, date and outcome
            Kind.RUN_CLAIMED_NOT_DELIVERED, // R1-2 recorded cancelled
            Kind.RUN_VEHICLE_MISMATCH); // R1-1
    // D1's badge expired on the 10th; D1 worked only on the 2nd (the 20th was declared as D9).
  }

  // --- The due date ---

  private static final MiCalendar CALENDAR =
      new MiCalendar(
          5, TravelWatchConfig.from(new Settings(null, Map.of()), null).mi().bankHolidays());

  @Test
  @DisplayName("December's return is due on the 5th working day of January, after New Year's Day")
  void dueDateSkipsTheBankHoliday() {
    YearMonth december = YearMonth.of(2026, 12);
    assertThat(CALENDAR.dueOn(december)).isEqualTo(LocalDate.of(2027, 1, 8));
    assertThat(CALENDAR.overdueFrom(december)).isEqualTo(LocalDate.of(2027, 1, 11));
    assertThat(CALENDAR.latestOverdueMonth(LocalDate.of(2027, 1, 8))).isEqualTo(NOV);
    assertThat(CALENDAR.latestOverdueMonth(LocalDate.of(2027, 1, 11))).isEqualTo(december);
  }

  @Test
  @DisplayName("The default bank holidays are England's for 2026 and 2027, as jollyday has them")
  void defaultBankHolidaysAreEnglands() {
    WorkingDays england = WorkingDays.england();
    Set<LocalDate> expected = new TreeSet<>();
    for (int year : List.of(2026, 2027)) {
      for (LocalDate d = Year.of(year).atDay(1); d.getYear() == year; d = d.plusDays(1)) {
        if (england.isBankHoliday(d)) {
          expected.add(d);
        }
      }
    }
    assertThat(
            new TreeSet<>(
                TravelWatchConfig.from(new Settings(null, Map.of()), null).mi().bankHolidays()))
        .isEqualTo(expected);
    assertThat(new ArrayList<>(expected)).hasSize(16);
  }
}
