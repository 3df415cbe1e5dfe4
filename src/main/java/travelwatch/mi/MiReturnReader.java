package travelwatch.mi;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import travelwatch.mi.MiReturn.CrewLine;
import travelwatch.mi.MiReturn.Dbs;
import travelwatch.mi.MiReturn.RunLine;

/**
 * Reads the two CSV files of a return into a {@link MiReturn}, or lists every problem: the header
 * must be exactly the contract's columns, each value must be of its column's kind, each crew member
 * and each run (date, route, direction) appears once, and each run's date is in the month.
 */
public final class MiReturnReader {
  /** At most this many rows below each file's header: far above any operator's month. */
  public static final int MAX_ROWS = 50_000;

  /** At most this many problems are listed; a file that has more is refused all the same. */
  public static final int MAX_PROBLEMS = 500;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");
  private static final Pattern REG = Pattern.compile("[A-Za-z0-9 ]{1,12}");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  /** What was read: a return when there are no problems. */
  public record Outcome(Optional<MiReturn> read, List<CsvProblem> problems) {}

  private MiReturnReader() {}

  public static Outcome read(YearMonth month, byte[] crewCsv, byte[] runsCsv) {
    List<CsvProblem> problems = new ArrayList<>();
    List<CrewLine> crew = crew(CsvFile.read("crew", crewCsv, MAX_ROWS), problems);
    List<RunLine> runs = runs(month, CsvFile.read("runs", runsCsv, MAX_ROWS), problems);
    if (!problems.isEmpty()) {
      return new Outcome(
          Optional.empty(),
          List.copyOf(problems.subList(0, Math.min(MAX_PROBLEMS, problems.size()))));
    }
    return new Outcome(Optional.of(new MiReturn(month, crew, runs)), List.of());
  }

  /** One line's values by column, reporting each bad value against its column. */
  private static final class Cells {
    final String file;
    final int line;
    final List<String> header;
    final List<String> values;
    final List<CsvProblem> problems;

    Cells(String file, int line, List<String> header, List<String> values, List<CsvProblem> p) {
      this.file = file;
      this.line = line;
      this.header = header;
      this.values = values;
      this.problems = p;
    }

    int column(String name) {
      return header.indexOf(name) + 1;
    }

    String raw(String name) {
      return values.get(header.indexOf(name));
    }

    void problem(String name, String message) {
      problems.add(new CsvProblem(file, line, column(name), name + " " + message));
    }

    Optional<String> optional(String name, Pattern pattern, String rule) {
      String v = raw(name);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      if (!pattern.matcher(v).matches()) {
        problem(name, rule + ", got '" + shown(v) + "'");
        return Optional.empty();
      }
      return Optional.of(v);
    }

    String required(String name, Pattern pattern, String rule) {
      if (raw(name).isEmpty()) {
        problem(name, "is required");
        return null;
      }
      return optional(name, pattern, rule).orElse(null);
    }

    String choice(String name, Set<String> allowed) {
      String v = raw(name);
      if (!allowed.contains(v)) {
        problem(
            name,
            "must be one of "
                + String.join(", ", allowed.stream().sorted().toList())
                + ", got '"
                + shown(v)
                + "'");
        return null;
      }
      return v;
    }

    Boolean yesNo(String name) {
      String v = choice(name, Set.of("yes", "no"));
      return v == null ? null : v.equals("yes");
    }

    Optional<LocalDate> optionalDate(String name) {
      String v = raw(name);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      try {
        if (!DATE.matcher(v).matches()) {
          throw new DateTimeException("not YYYY-MM-DD");
        }
        return Optional.of(LocalDate.parse(v));
      } catch (DateTimeException e) {
        problem(name, "must be a real date as YYYY-MM-DD, got '" + shown(v) + "'");
        return Optional.empty();
      }
    }

    LocalDate date(String name) {
      if (raw(name).isEmpty()) {
        problem(name, "is required (YYYY-MM-DD)");
        return null;
      }
      return optionalDate(name).orElse(null);
    }
  }

  /** A value as a message may quote it: bounded, one line. */
  private static String shown(String v) {
    String one = v.replaceAll("[\\r\\n\\t]", " ");
    return one.length() <= 40 ? one : one.substring(0, 39) + "…";
  }

  /** The rows whose header and width are right, as cells; problems for the rest. */
  private static List<Cells> cells(
      String file, CsvFile.Table table, List<String> columns, List<CsvProblem> problems) {
    List<Cells> rows = new ArrayList<>();
    if (table.header().isEmpty()) {
      problems.addAll(table.problems());
      return rows;
    }
    problems.addAll(table.problems());
    List<String> header = table.header();
    boolean headerOk = header.equals(columns);
    if (!headerOk) {
      for (int c = 0; c < columns.size(); c++) {
        String want = columns.get(c);
        if (c >= header.size()) {
          problems.add(new CsvProblem(file, 1, c + 1, "missing column " + want));
        } else if (!header.get(c).equals(want)) {
          problems.add(
              new CsvProblem(
                  file,
                  1,
                  c + 1,
                  "column "
                      + (c + 1)
                      + " must be "
                      + want
                      + ", got '"
                      + shown(header.get(c))
                      + "'"
                      + (header.contains(want) ? "" : " (missing column " + want + ")")));
        }
      }
      for (int c = columns.size(); c < header.size(); c++) {
        problems.add(
            new CsvProblem(file, 1, c + 1, "unknown column '" + shown(header.get(c)) + "'"));
      }
      problems.add(
          new CsvProblem(file, 1, 0, "the header must be exactly: " + String.join(",", columns)));
      return rows;
    }
    for (CsvFile.Row row : table.rows()) {
      int width = row.fields().size();
      if (width == 1 && row.fields().get(0).isEmpty()) {
        problems.add(new CsvProblem(file, row.line(), 1, "is an empty line"));
        continue;
      }
      if (width != columns.size()) {
        problems.add(
            new CsvProblem(
                file,
                row.line(),
                Math.min(width, columns.size() + 1),
                "has "
                    + width
                    + " fields where the header has "
                    + columns.size()
                    + (width > columns.size()
                        ? " (a value with a comma must be in double quotes)"
                        : "")));
        continue;
      }
      rows.add(new Cells(file, row.line(), header, row.fields(), problems));
    }
    return rows;
  }

  private static List<CrewLine> crew(CsvFile.Table table, List<CsvProblem> problems) {
    List<CrewLine> crew = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Cells c : cells("crew", table, MiReturn.CREW_COLUMNS, problems)) {
      int before = problems.size();
      String crewId = c.required("crewId", ID, "must be an id (letters, digits, . _ : -)");
      String role = c.choice("role", Set.of("driver", "guide"));
      String certificate =
          c.required(
              "dbsCertificateNumber",
              Pattern.compile("[A-Za-z0-9]{1,20}"),
              "must be the certificate's number (letters and digits)");
      LocalDate issuedOn = c.date("dbsIssuedOn");
      String outcome = c.choice("dbsOutcome", Set.of("clear", "positive"));
      Boolean barred = c.yesNo("barredListChecked");
      Boolean update = c.yesNo("updateService");
      Optional<String> badgeNumber =
          c.optional(
              "badgeNumber", Pattern.compile("[A-Za-z0-9/ -]{1,30}"), "must be a badge number");
      Optional<String> badgeAuthority =
          c.optional(
              "badgeAuthority",
              Pattern.compile("[\\p{L}0-9 .,&'()-]{1,100}"),
              "must be the licensing authority's name");
      Optional<LocalDate> badgeExpires = c.optionalDate("badgeExpiresOn");
      boolean anyBadge =
          !c.raw("badgeNumber").isEmpty()
              || !c.raw("badgeAuthority").isEmpty()
              || !c.raw("badgeExpiresOn").isEmpty();
      boolean allBadge =
          !c.raw("badgeNumber").isEmpty()
              && !c.raw("badgeAuthority").isEmpty()
              && !c.raw("badgeExpiresOn").isEmpty();
      if ("driver".equals(role) && !allBadge) {
        for (String col : List.of("badgeNumber", "badgeAuthority", "badgeExpiresOn")) {
          if (c.raw(col).isEmpty()) {
            c.problem(col, "is required for a driver");
          }
        }
      } else if (anyBadge && !allBadge) {
        for (String col : List.of("badgeNumber", "badgeAuthority", "badgeExpiresOn")) {
          if (c.raw(col).isEmpty()) {
            c.problem(col, "is required with the rest of the badge");
          }
        }
      }
      if (crewId != null && seen.containsKey(crewId)) {
        c.problem("crewId", "appears twice (first on line " + seen.get(crewId) + ")");
      } else if (crewId != null) {
        seen.put(crewId, c.line);
      }
      if (problems.size() == before) {
        crew.add(
            new CrewLine(
                c.line,
                crewId,
                role,
                new Dbs(certificate, issuedOn, outcome.equals("positive")),
                barred,
                update,
                badgeNumber,
                badgeAuthority,
                badgeExpires));
      }
    }
    return crew;
  }

  private static List<RunLine> runs(
      YearMonth month, CsvFile.Table table, List<CsvProblem> problems) {
    List<RunLine> runs = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Cells c : cells("runs", table, MiReturn.RUN_COLUMNS, problems)) {
      int before = problems.size();
      LocalDate date = c.date("date");
      if (date != null && !YearMonth.from(date).equals(month)) {
        c.problem("date", "must be in " + month + ", got '" + date + "'");
      }
      String route = c.required("routeId", ID, "must be an id (letters, digits, . _ : -)");
      String direction = c.choice("direction", Set.of("AM", "PM"));
      Optional<String> driver =
          c.optional("driverId", ID, "must be an id (letters, digits, . _ : -)");
      Optional<String> guide =
          c.optional("guideId", ID, "must be an id (letters, digits, . _ : -)");
      Optional<String> vehicle =
          c.optional("vehicleReg", REG, "must be a registration (letters, digits, spaces)");
      Boolean operated = c.yesNo("operated");
      if (Boolean.TRUE.equals(operated) && c.raw("driverId").isEmpty()) {
        c.problem("driverId", "is required for a run that operated");
      }
      String key = date + "|" + route + "|" + direction;
      if (seen.containsKey(key)) {
        c.problem(
            "routeId",
            "appears twice for "
                + date
                + " "
                + direction
                + " (first on line "
                + seen.get(key)
                + ")");
      } else {
        seen.put(key, c.line);
      }
      if (problems.size() == before) {
        runs.add(new RunLine(c.line, date, route, direction, driver, guide, vehicle, operated));
      }
    }
    return runs;
  }
}
