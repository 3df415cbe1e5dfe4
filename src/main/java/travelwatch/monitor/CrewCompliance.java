package travelwatch.monitor;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import travelwatch.monitor.CrewRegistry.Member;
import travelwatch.plan.Plan.Badge;
import travelwatch.plan.Plan.CrewRole;
import travelwatch.plan.Plan.DbsCheck;
import travelwatch.plan.Plan.DbsOutcome;
import travelwatch.plan.Plan.HrClearance;

/**
 * The control room's compliance picture, by operator: crew with a positive DBS and no HR clearance,
 * crew whose DBS is not valid, and badges that expire soon (or have expired). The same tests the
 * live rules apply when a crew member works a run, applied to everyone registered.
 */
public final class CrewCompliance {
  /** How far ahead a badge's expiry is worth a controller's attention. */
  public static final int BADGE_WARNING_DAYS = 30;

  /** A crew member with a positive DBS and no HR clearance. */
  public record NotCleared(String crewId, CrewRole role) {}

  /** A crew member whose DBS is missing, lacks the barred-list check, or is out of date. */
  public record DbsInvalid(String crewId, CrewRole role, String problem) {}

  /** A badge expiring within the warning period; {@code daysLeft} is negative once expired. */
  public record BadgeExpiring(String crewId, CrewRole role, LocalDate expiresOn, long daysLeft) {}

  /** One operator's registered crew count and findings, each list by crew id. */
  public record OperatorCompliance(
      String operatorId,
      int crew,
      List<NotCleared> notCleared,
      List<DbsInvalid> dbsInvalid,
      List<BadgeExpiring> badgesExpiring) {}

  /**
   * A crew member on a run, as the run view shows them: DBS outcome, HR clearance and badge expiry
   * when known, and every reason they may not work it (none: compliant).
   */
  public record OnRun(
      String crewId,
      String role,
      Optional<DbsOutcome> dbsOutcome,
      boolean hrCleared,
      Optional<LocalDate> badgeExpiresOn,
      List<String> problems) {
    public boolean compliant() {
      return problems.isEmpty();
    }
  }

  private CrewCompliance() {}

  /**
   * Where {@code crewId}, on a run of {@code operatorId} as its {@code role} ("driver" or "guide"),
   * stands on {@code on}: the live rules' tests, as reasons in words.
   */
  public static OnRun onRun(
      CrewRegistry registry,
      String crewId,
      String role,
      String operatorId,
      LocalDate on,
      int dbsMaxAgeYears) {
    Optional<Member> found = registry.member(crewId).filter(m -> m.operatorId().equals(operatorId));
    if (found.isEmpty()) {
      return new OnRun(
          crewId,
          role,
          Optional.empty(),
          false,
          Optional.empty(),
          List.of("not a registered crew member of operator " + operatorId));
    }
    Member m = found.get();
    List<String> problems = new ArrayList<>();
    if (CrewRegistry.notCleared(m)) {
      problems.add("positive DBS and no HR clearance");
    }
    CrewRegistry.dbsProblem(m, on, dbsMaxAgeYears).ifPresent(problems::add);
    m.badge()
        .filter(b -> m.role() == CrewRole.DRIVER && b.expiresOn().isBefore(on))
        .ifPresent(b -> problems.add("badge expired on " + b.expiresOn()));
    return new OnRun(
        crewId,
        role,
        m.dbs().map(DbsCheck::outcome),
        m.clearance().orElse(null) == HrClearance.CLEARED,
        m.badge().map(Badge::expiresOn),
        problems);
  }

  /** Every operator with registered crew, by id, as things stand on {@code on}. */
  public static List<OperatorCompliance> of(
      CrewRegistry registry, LocalDate on, int dbsMaxAgeYears) {
    Map<String, List<Member>> byOperator = new TreeMap<>();
    for (Member m : registry.members()) {
      byOperator.computeIfAbsent(m.operatorId(), k -> new ArrayList<>()).add(m);
    }
    List<OperatorCompliance> result = new ArrayList<>();
    byOperator.forEach(
        (operatorId, members) -> {
          List<NotCleared> notCleared = new ArrayList<>();
          List<DbsInvalid> dbsInvalid = new ArrayList<>();
          List<BadgeExpiring> badges = new ArrayList<>();
          for (Member m : members) {
            if (CrewRegistry.notCleared(m)) {
              notCleared.add(new NotCleared(m.id(), m.role()));
            }
            CrewRegistry.dbsProblem(m, on, dbsMaxAgeYears)
                .ifPresent(p -> dbsInvalid.add(new DbsInvalid(m.id(), m.role(), p)));
            m.badge()
                .filter(b -> !b.expiresOn().isAfter(on.plusDays(BADGE_WARNING_DAYS)))
                .ifPresent(
                    b ->
                        badges.add(
                            new BadgeExpiring(
                                m.id(),
                                m.role(),
                                b.expiresOn(),
                                ChronoUnit.DAYS.between(on, b.expiresOn()))));
          }
          result.add(
              new OperatorCompliance(operatorId, members.size(), notCleared, dbsInvalid, badges));
        });
    return result;
  }
}
