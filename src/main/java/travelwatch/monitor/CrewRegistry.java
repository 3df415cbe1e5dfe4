package travelwatch.monitor;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import travelwatch.plan.Plan.Badge;
import travelwatch.plan.Plan.Crew;
import travelwatch.plan.Plan.CrewRole;
import travelwatch.plan.Plan.DbsCheck;
import travelwatch.plan.Plan.DbsOutcome;
import travelwatch.plan.Plan.HrClearance;

/**
 * What is known of each driver and guide: who they work for, their DBS check, HR clearance and
 * badge. The plan gives the starting facts; later events replace a fact only if they happened
 * later, so the result does not depend on the order events arrive in.
 */
public final class CrewRegistry {
  private static final Instant PLAN = Instant.MIN;

  private record Dated<T>(T value, Instant at) {}

  /** One crew member's facts. */
  private static final class Facts {
    final String operatorId;
    final CrewRole role;
    Dated<DbsCheck> dbs;
    Dated<HrClearance> clearance;
    Dated<Badge> badge;

    Facts(String operatorId, CrewRole role) {
      this.operatorId = operatorId;
      this.role = role;
    }
  }

  /** A read-only view of one crew member, for the rules. */
  public record Member(
      String id,
      String operatorId,
      CrewRole role,
      Optional<DbsCheck> dbs,
      Optional<HrClearance> clearance,
      Optional<Badge> badge) {}

  private final Map<String, Facts> crew = new HashMap<>();

  /** Changes with every fact registered or applied: what rules found before may be out of date. */
  private long version;

  long version() {
    return version;
  }

  public void register(Crew c) {
    version++;
    Facts f = new Facts(c.operatorId(), c.role());
    c.dbs().ifPresent(d -> f.dbs = new Dated<>(d, PLAN));
    c.hrClearance().ifPresent(h -> f.clearance = new Dated<>(h, PLAN));
    c.badge().ifPresent(b -> f.badge = new Dated<>(b, PLAN));
    crew.put(c.id(), f);
  }

  /** Applies a crew event; returns false for crew not in the plan. */
  public boolean apply(Observation o) {
    boolean applied = applyFact(o);
    if (applied) {
      version++;
    }
    return applied;
  }

  private boolean applyFact(Observation o) {
    if (o instanceof Observation.DbsChecked e && crew.containsKey(e.crewId())) {
      Facts f = crew.get(e.crewId());
      f.dbs = later(f.dbs, new Dated<>(e.dbs(), e.at()));
      return true;
    }
    if (o instanceof Observation.BadgeUpdated e && crew.containsKey(e.crewId())) {
      Facts f = crew.get(e.crewId());
      f.badge = later(f.badge, new Dated<>(e.badge(), e.at()));
      return true;
    }
    if (o instanceof Observation.CrewCleared e && crew.containsKey(e.crewId())) {
      Facts f = crew.get(e.crewId());
      f.clearance = later(f.clearance, new Dated<>(e.decision(), e.at()));
      return true;
    }
    return false;
  }

  private static <T> Dated<T> later(Dated<T> current, Dated<T> candidate) {
    if (current == null || candidate.at().isAfter(current.at())) {
      return candidate;
    }
    return current;
  }

  public Optional<Member> member(String id) {
    Facts f = crew.get(id);
    if (f == null) {
      return Optional.empty();
    }
    return Optional.of(
        new Member(
            id,
            f.operatorId,
            f.role,
            Optional.ofNullable(f.dbs).map(Dated::value),
            Optional.ofNullable(f.clearance).map(Dated::value),
            Optional.ofNullable(f.badge).map(Dated::value)));
  }

  /** Every registered crew member, by id. */
  public List<Member> members() {
    return crew.keySet().stream().sorted().map(id -> member(id).orElseThrow()).toList();
  }

  /** A positive DBS (a disclosed offence) without the council's HR clearance. */
  public static boolean notCleared(Member m) {
    boolean positive = m.dbs().map(d -> d.outcome() == DbsOutcome.POSITIVE).orElse(false);
    return positive && m.clearance().orElse(null) != HrClearance.CLEARED;
  }

  /** True when the member's DBS is missing, lacks the barred-list check, or is out of date. */
  public static Optional<String> dbsProblem(Member m, LocalDate on, int maxAgeYears) {
    if (m.dbs().isEmpty()) {
      return Optional.of("no DBS check on record");
    }
    DbsCheck dbs = m.dbs().get();
    if (!dbs.barredListChecked()) {
      return Optional.of("DBS without the children's barred-list check");
    }
    if (!dbs.updateService() && dbs.issuedOn().plusYears(maxAgeYears).isBefore(on)) {
      return Optional.of(
          "DBS issued "
              + dbs.issuedOn()
              + " is over "
              + maxAgeYears
              + " years old and not on the Update Service");
    }
    return Optional.empty();
  }
}
