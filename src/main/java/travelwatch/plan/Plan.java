package travelwatch.plan;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;

/**
 * A plan document: what the council has contracted for. Pupil ids are pseudonymous references; the
 * plan holds no names, addresses or needs.
 */
public record Plan(
    List<Operator> operators,
    List<School> schools,
    List<Pupil> pupils,
    List<Crew> crew,
    List<Route> routes,
    List<Run> runs) {

  public static Plan empty() {
    return new Plan(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
  }

  /** A transport provider under contract. */
  public record Operator(
      String id, String name, String email, String phone, String controlRoomEmail) {

    /** An operator without a phone or control-room address on record. */
    public Operator(String id, String name, String email) {
      this(id, name, email, null, null);
    }
  }

  public enum Phase {
    PRIMARY,
    SECONDARY,
    SPECIAL
  }

  /** A school; {@code email} (optional) is the office's address for transport notices. */
  public record School(
      String id,
      String name,
      double lat,
      double lon,
      LocalTime startTime,
      LocalTime finishTime,
      Phase phase,
      String email) {

    /** A school without an address for notices. */
    public School(
        String id,
        String name,
        double lat,
        double lon,
        LocalTime startTime,
        LocalTime finishTime,
        Phase phase) {
      this(id, name, lat, lon, startTime, finishTime, phase, null);
    }
  }

  /** A pupil reference; {@code maxJourneyMinutes} is set where assessed individually. */
  public record Pupil(String id, String schoolId, Optional<Integer> maxJourneyMinutes) {}

  public enum CrewRole {
    DRIVER,
    GUIDE
  }

  public enum DbsOutcome {
    CLEAR,
    POSITIVE
  }

  /** An enhanced DBS certificate as the operator reported it. */
  public record DbsCheck(
      String certificateNumber,
      LocalDate issuedOn,
      DbsOutcome outcome,
      boolean barredListChecked,
      boolean updateService) {}

  /** The council HR panel's decision on a crew member with a positive DBS. */
  public enum HrClearance {
    CLEARED,
    REFUSED
  }

  /** A licensing authority's driver badge. */
  public record Badge(String number, String authority, LocalDate expiresOn) {}

  /** A driver or passenger assistant ("guide") registered to one operator. */
  public record Crew(
      String id,
      String operatorId,
      CrewRole role,
      Optional<DbsCheck> dbs,
      Optional<HrClearance> hrClearance,
      Optional<Badge> badge) {}

  public record Route(String id, String operatorId, String schoolId, boolean requiresGuide) {}

  public enum Direction {
    AM,
    PM
  }

  public record Stop(
      String id,
      int seq,
      double lat,
      double lon,
      LocalTime plannedTime,
      List<String> pickups,
      List<String> dropoffs) {}

  /** One journey of a route on one day: AM home to school, PM school to home. */
  public record Run(
      String id,
      String routeId,
      LocalDate date,
      Direction direction,
      LocalTime arriveBy,
      Optional<String> plannedDriverId,
      Optional<String> plannedGuideId,
      List<Stop> stops) {}
}
