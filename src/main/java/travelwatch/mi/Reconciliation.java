package travelwatch.mi;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import travelwatch.mi.Finding.Kind;
import travelwatch.mi.MiReturn.CrewLine;
import travelwatch.mi.MiReturn.Dbs;
import travelwatch.mi.MiReturn.RunLine;

/**
 * Compares an operator's return for a month with the plan and with what was recorded that month,
 * and lists every difference as a {@link Finding}: crew who worked but were not declared, positive
 * DBS without HR clearance, DBS details that differ from the record, badges expired while working,
 * runs claimed but not delivered (or delivered but not claimed), and runs whose crew or vehicle
 * differs from what was recorded.
 */
public final class Reconciliation {

  /** A run of the operator's in the plan for the month. */
  public record PlannedRun(String runId, String routeId, LocalDate date, String direction) {
    String key() {
      return key(date, routeId, direction);
    }

    static String key(LocalDate date, String routeId, String direction) {
      return date + "|" + routeId + "|" + direction;
    }
  }

  /**
   * What is on record for a crew member at the month's end: the plan's facts replaced by later DBS,
   * badge and clearance events.
   */
  public record CrewRecord(
      String crewId,
      Optional<Dbs> dbs,
      Optional<String> hrClearance,
      Optional<LocalDate> badgeExpiresOn) {}

  /** The plan's side: the operator's runs of the month and the crew on record. */
  public record PlanFacts(List<PlannedRun> runs, Map<String, CrewRecord> crew) {}

  /**
   * What was recorded of one run: started, cancelled, the crew and vehicle recorded (from {@code
   * run.started}, else the last {@code crew.assigned}), and everyone who started or was assigned to
   * it.
   */
  public record RecordedRun(
      String runId,
      boolean started,
      boolean cancelled,
      Optional<String> driverId,
      Optional<String> guideId,
      Optional<String> vehicleReg,
      Set<String> crew) {}

  /** The recorded side: each run of the month with something recorded, by run id. */
  public record RecordedFacts(Map<String, RecordedRun> runs) {}

  private Reconciliation() {}

  public static List<Finding> of(MiReturn declared, PlanFacts plan, RecordedFacts recorded) {
    List<Finding> findings = new ArrayList<>();
    Map<String, PlannedRun> planned = new HashMap<>();
    Map<String, PlannedRun> plannedById = new HashMap<>();
    for (PlannedRun r : plan.runs()) {
      planned.put(r.key(), r);
      plannedById.put(r.runId(), r);
    }
    Map<String, CrewLine> declaredCrew = new HashMap<>();
    declared.crew().forEach(c -> declaredCrew.put(c.crewId(), c));

    // The days each crew member worked: recorded on the operator's runs, or declared as operated.
    Map<String, TreeSet<LocalDate>> recordedDays = new TreeMap<>();
    for (RecordedRun r : recorded.runs().values()) {
      PlannedRun p = plannedById.get(r.runId());
      if (p == null) {
        continue;
      }
      for (String crewId : r.crew()) {
        recordedDays.computeIfAbsent(crewId, k -> new TreeSet<>()).add(p.date());
      }
    }
    Map<String, TreeSet<LocalDate>> workedDays = new TreeMap<>();
    recordedDays.forEach((id, days) -> workedDays.put(id, new TreeSet<>(days)));
    for (RunLine line : declared.runs()) {
      if (line.operated()) {
        line.driverId()
            .ifPresent(d -> workedDays.computeIfAbsent(d, k -> new TreeSet<>()).add(line.date()));
        line.guideId()
            .ifPresent(g -> workedDays.computeIfAbsent(g, k -> new TreeSet<>()).add(line.date()));
      }
    }

    recordedDays.forEach(
        (crewId, days) -> {
          if (!declaredCrew.containsKey(crewId)) {
            findings.add(
                new Finding(
                    Kind.CREW_WORKED_NOT_DECLARED,
                    null,
                    crewId,
                    days.first(),
                    "started or was assigned to runs on "
                        + days.size()
                        + " day(s) of the month, from "
                        + days.first()
                        + ", and is not in the return's crew"));
          }
        });

    workedDays.forEach(
        (crewId, days) -> {
          Optional<CrewRecord> record = Optional.ofNullable(plan.crew().get(crewId));
          CrewLine line = declaredCrew.get(crewId);
          boolean positive =
              (line != null && line.dbs().positive())
                  || record.flatMap(CrewRecord::dbs).map(Dbs::positive).orElse(false);
          boolean cleared =
              record.flatMap(CrewRecord::hrClearance).map("cleared"::equals).orElse(false);
          if (positive && !cleared) {
            findings.add(
                new Finding(
                    Kind.CREW_POSITIVE_DBS_NOT_CLEARED,
                    null,
                    crewId,
                    days.first(),
                    "has a positive DBS "
                        + (line != null && line.dbs().positive() ? "declared" : "on record")
                        + " and no HR clearance, and worked on "
                        + days.size()
                        + " day(s) from "
                        + days.first()));
          }
          // The badge on record (the latest known); the declared one for crew not on record.
          Optional<LocalDate> expires =
              record
                  .flatMap(CrewRecord::badgeExpiresOn)
                  .or(() -> line == null ? Optional.empty() : line.badgeExpiresOn());
          if (expires.isPresent()) {
            // A badge is valid to the end of the day it expires on.
            List<LocalDate> after = days.stream().filter(d -> d.isAfter(expires.get())).toList();
            if (!after.isEmpty()) {
              findings.add(
                  new Finding(
                      Kind.CREW_BADGE_EXPIRED_WHILE_WORKING,
                      null,
                      crewId,
                      after.get(0),
                      "badge expired on "
                          + expires.get()
                          + "; worked on "
                          + after.size()
                          + " day(s) after it, from "
                          + after.get(0)));
            }
          }
        });

    for (CrewLine line : declared.crew()) {
      CrewRecord record = plan.crew().get(line.crewId());
      if (record == null) {
        continue;
      }
      if (record.dbs().isEmpty()) {
        findings.add(
            new Finding(Kind.CREW_DBS_MISMATCH, null, line.crewId(), null, "no DBS is on record"));
        continue;
      }
      Dbs on = record.dbs().get();
      Dbs said = line.dbs();
      List<String> differ = new ArrayList<>();
      if (!on.certificateNumber().equals(said.certificateNumber())) {
        differ.add("certificate number");
      }
      if (!on.issuedOn().equals(said.issuedOn())) {
        differ.add("issue date (on record " + on.issuedOn() + ")");
      }
      if (on.positive() != said.positive()) {
        differ.add("outcome (on record " + (on.positive() ? "positive" : "clear") + ")");
      }
      if (!differ.isEmpty()) {
        findings.add(
            new Finding(
                Kind.CREW_DBS_MISMATCH,
                null,
                line.crewId(),
                null,
                "the declared DBS differs from the record in: " + String.join(", ", differ)));
      }
    }

    Set<String> claimed = new HashSet<>();
    for (RunLine line : declared.runs()) {
      PlannedRun p = planned.get(PlannedRun.key(line.date(), line.routeId(), line.direction()));
      Optional<RecordedRun> r =
          p == null ? Optional.empty() : Optional.ofNullable(recorded.runs().get(p.runId()));
      String runId = p == null ? null : p.runId();
      if (line.operated()) {
        claimed.add(runId);
        if (p == null) {
          findings.add(
              new Finding(
                  Kind.RUN_CLAIMED_NOT_DELIVERED,
                  null,
                  null,
                  line.date(),
                  "route "
                      + line.routeId()
                      + " "
                      + line.direction()
                      + " is claimed as operated but has no run in the plan that day"));
          continue;
        }
        boolean started = r.map(RecordedRun::started).orElse(false);
        boolean cancelled = r.map(RecordedRun::cancelled).orElse(false);
        if (!started || cancelled) {
          findings.add(
              new Finding(
                  Kind.RUN_CLAIMED_NOT_DELIVERED,
                  runId,
                  null,
                  line.date(),
                  "claimed as operated but "
                      + (cancelled ? "recorded cancelled" : "no run.started was recorded")));
          continue;
        }
        RecordedRun run = r.get();
        List<String> crewDiffers = new ArrayList<>();
        if (run.driverId().isPresent() && !run.driverId().equals(line.driverId())) {
          crewDiffers.add("driver (recorded " + run.driverId().get() + ")");
        }
        if (run.driverId().isPresent() && !run.guideId().equals(line.guideId())) {
          crewDiffers.add("guide (recorded " + run.guideId().orElse("none") + ")");
        }
        if (!crewDiffers.isEmpty()) {
          findings.add(
              new Finding(
                  Kind.RUN_CREW_MISMATCH,
                  runId,
                  null,
                  line.date(),
                  "the return's " + String.join(" and ", crewDiffers) + " differs"));
        }
        if (run.vehicleReg().isPresent()
            && !registration(run.vehicleReg()).equals(registration(line.vehicleReg()))) {
          findings.add(
              new Finding(
                  Kind.RUN_VEHICLE_MISMATCH,
                  runId,
                  null,
                  line.date(),
                  "the return's vehicle differs (recorded " + run.vehicleReg().get() + ")"));
        }
      }
    }

    for (PlannedRun p : plan.runs()) {
      RecordedRun r = recorded.runs().get(p.runId());
      if (r != null && r.started() && !r.cancelled() && !claimed.contains(p.runId())) {
        findings.add(
            new Finding(
                Kind.RUN_DELIVERED_NOT_CLAIMED,
                p.runId(),
                null,
                p.date(),
                "recorded started, but missing from the return or declared not operated"));
      }
    }
    findings.sort(Finding.ORDER);
    return List.copyOf(findings);
  }

  /** A registration compared as the DVLA writes it: capitals, no spaces. */
  private static String registration(Optional<String> reg) {
    return reg.map(r -> r.replace(" ", "").toUpperCase(Locale.ROOT)).orElse("");
  }
}
