package travelwatch.mi;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;

/**
 * An operator's monthly management information as declared: its crew with their DBS and badge, and
 * every run of the month with who drove, who guided, in which vehicle, and whether it operated.
 */
public record MiReturn(YearMonth month, List<CrewLine> crew, List<RunLine> runs) {
  /** The columns of the {@code crew} file, in order. */
  public static final List<String> CREW_COLUMNS =
      List.of(
          "crewId",
          "role",
          "dbsCertificateNumber",
          "dbsIssuedOn",
          "dbsOutcome",
          "barredListChecked",
          "updateService",
          "badgeNumber",
          "badgeAuthority",
          "badgeExpiresOn");

  /** The columns of the {@code runs} file, in order. */
  public static final List<String> RUN_COLUMNS =
      List.of("date", "routeId", "direction", "driverId", "guideId", "vehicleReg", "operated");

  /** A DBS certificate as declared or recorded. */
  public record Dbs(String certificateNumber, LocalDate issuedOn, boolean positive) {}

  /** One line of the crew file; the badge is absent for a guide without one. */
  public record CrewLine(
      int line,
      String crewId,
      String role,
      Dbs dbs,
      boolean barredListChecked,
      boolean updateService,
      Optional<String> badgeNumber,
      Optional<String> badgeAuthority,
      Optional<LocalDate> badgeExpiresOn) {}

  /** One line of the runs file. */
  public record RunLine(
      int line,
      LocalDate date,
      String routeId,
      String direction,
      Optional<String> driverId,
      Optional<String> guideId,
      Optional<String> vehicleReg,
      boolean operated) {}

  public MiReturn {
    crew = List.copyOf(crew);
    runs = List.copyOf(runs);
  }
}
