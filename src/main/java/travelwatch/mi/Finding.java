package travelwatch.mi;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.Locale;

/**
 * One difference between a return and what TravelWatch saw: its kind (and so its severity), the run
 * or crew member it is about and the day, and what differs in words.
 */
public record Finding(Kind kind, String runId, String crewId, LocalDate date, String detail) {

  /** How urgent a finding is. */
  public enum Severity {
    CRITICAL,
    HIGH,
    WARNING;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Every kind of finding (docs/contract.md, "Monthly management information"). */
  public enum Kind {
    CREW_WORKED_NOT_DECLARED("crew.worked_not_declared", Severity.CRITICAL),
    CREW_POSITIVE_DBS_NOT_CLEARED("crew.positive_dbs_not_cleared", Severity.CRITICAL),
    CREW_DBS_MISMATCH("crew.dbs_mismatch", Severity.HIGH),
    CREW_BADGE_EXPIRED_WHILE_WORKING("crew.badge_expired_while_working", Severity.HIGH),
    RUN_CLAIMED_NOT_DELIVERED("run.claimed_not_delivered", Severity.HIGH),
    RUN_DELIVERED_NOT_CLAIMED("run.delivered_not_claimed", Severity.WARNING),
    RUN_CREW_MISMATCH("run.crew_mismatch", Severity.WARNING),
    RUN_VEHICLE_MISMATCH("run.vehicle_mismatch", Severity.WARNING);

    private final String wireName;
    private final Severity severity;

    Kind(String wireName, Severity severity) {
      this.wireName = wireName;
      this.severity = severity;
    }

    public String wireName() {
      return wireName;
    }

    public Severity severity() {
      return severity;
    }

    public static Kind fromWireName(String name) {
      for (Kind k : values()) {
        if (k.wireName.equals(name)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown finding kind " + name);
    }
  }

  /** The order findings are listed in: most severe first, then by day, run and crew member. */
  public static final Comparator<Finding> ORDER =
      Comparator.comparing((Finding f) -> f.kind().severity())
          .thenComparing(Finding::kind)
          .thenComparing(f -> f.date() == null ? LocalDate.MIN : f.date())
          .thenComparing(f -> f.runId() == null ? "" : f.runId())
          .thenComparing(f -> f.crewId() == null ? "" : f.crewId());

  public Severity severity() {
    return kind.severity();
  }
}
