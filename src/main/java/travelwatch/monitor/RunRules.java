package travelwatch.monitor;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import travelwatch.alert.AlertType;
import travelwatch.alert.Condition;
import travelwatch.config.MonitorSettings;
import travelwatch.monitor.CrewRegistry.Member;
import travelwatch.monitor.RunPlan.PupilPlan;
import travelwatch.monitor.RunState.Status;
import travelwatch.plan.Plan.CrewRole;

/**
 * The rules about one run (docs/contract.md, "Alerts"): which conditions hold for it now. A pure
 * function of the plan, the run's state, the crew registry and the time, so the same facts always
 * give the same alerts. Summaries are built only from the plan (ids, the school's name) and fixed
 * words: never from text an operator typed (a reason, an unregistered crew id, a stop id the plan
 * does not have), which may hold a child's name or address. What operators typed stays on the run's
 * timeline.
 */
public final class RunRules {
  private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm");

  private final MonitorSettings settings;
  private final ZoneId zone;

  public RunRules(MonitorSettings settings, ZoneId zone) {
    this.settings = settings;
    this.zone = zone;
  }

  public List<Condition> evaluate(RunState s, CrewRegistry crew, Instant now) {
    RunPlan plan = s.plan;
    List<Condition> found = new ArrayList<>();
    Status status = s.status();
    boolean cancelled = status == Status.CANCELLED;
    if (s.where == null) {
      s.where =
          "run "
              + plan.id()
              + " ("
              + plan.direction()
              + ", route "
              + plan.routeId()
              + ", "
              + plan.schoolName()
              + ")";
    }
    String where = s.where;

    if (cancelled) {
      found.add(
          condition(
              AlertType.RUN_CANCELLED,
              s,
              null,
              null,
              where + " was cancelled by the operator (the reason is on the run's timeline)"));
    }

    found.addAll(crewFindings(s, crew, where));

    if (!cancelled
        && s.startedAt == 0
        && !now.isBefore(plan.firstPickupAt().minus(settings.notStartedBefore()))) {
      found.add(
          condition(
              AlertType.RUN_NOT_STARTED,
              s,
              null,
              null,
              where
                  + " has not started; first pickup is planned at "
                  + time(plan.firstPickupAt())));
    }

    if (!cancelled) {
      late(s, now, where).ifPresent(found::add);
    }

    if (feedSilent(s, settings, now)) {
      found.add(
          condition(
              AlertType.RUN_FEED_SILENT,
              s,
              null,
              null,
              where + " has sent nothing since " + time(Instant.ofEpochMilli(s.lastEventAt))));
    }

    pupils(s, now, cancelled, found, where);
    return found;
  }

  /** A run on its way that has sent nothing for the silence limit. */
  static boolean feedSilent(RunState s, MonitorSettings settings, Instant now) {
    return s.status() == Status.STARTED
        && !Instant.ofEpochMilli(s.lastEventAt).plus(settings.feedSilentAfter()).isAfter(now);
  }

  /**
   * The crew rules' findings, with the run's {@link RunState#version} and the crew registry (and
   * its version) they were found from: they depend on nothing else, not the time.
   */
  record CrewFindings(
      List<Condition> found, long runVersion, CrewRegistry registry, long registryVersion) {
    boolean holdFor(RunState s, CrewRegistry crew) {
      return runVersion == s.version && registry == crew && registryVersion == crew.version();
    }
  }

  /** The crew rules' findings: found again only when the run or the crew's facts changed. */
  private List<Condition> crewFindings(RunState s, CrewRegistry crew, String where) {
    if (s.crewFindings == null || !s.crewFindings.holdFor(s, crew)) {
      List<Condition> found = new ArrayList<>();
      compliance(s, crew, found, where);
      s.crewFindings = new CrewFindings(List.copyOf(found), s.version, crew, crew.version());
    }
    return s.crewFindings.found();
  }

  private void compliance(RunState s, CrewRegistry crew, List<Condition> found, String where) {
    RunPlan plan = s.plan;
    Set<String> onRun = new LinkedHashSet<>();
    for (String id :
        new String[] {s.assignedDriver, s.assignedGuide, s.startDriver, s.startGuide}) {
      if (id != null) {
        onRun.add(id);
      }
    }
    for (String id : onRun) {
      if (!registered(id, crew, plan)) {
        String role = isGuideSlot(s, id) ? "guide" : "driver";
        // The id as typed is neither shown nor stored on the alert: it is not the plan's.
        found.add(
            new Condition(
                AlertType.CREW_UNKNOWN,
                "run:" + plan.id() + ":unregistered:" + role,
                plan.date(),
                plan.id(),
                plan.operatorId(),
                null,
                null,
                where
                    + ": an unregistered "
                    + role
                    + " (not a crew member of operator "
                    + plan.operatorId()
                    + ") is on the run"));
        continue;
      }
      Optional<Member> member = crew.member(id);
      Member m = member.get();
      if (CrewRegistry.notCleared(m)) {
        found.add(
            condition(
                AlertType.CREW_DBS_NOT_CLEARED,
                s,
                id,
                null,
                where + ": crew member " + id + " has a positive DBS and no HR clearance"));
      }
      CrewRegistry.dbsProblem(m, plan.date(), settings.dbsMaxAgeYears())
          .ifPresent(
              p ->
                  found.add(
                      condition(
                          AlertType.CREW_DBS_INVALID,
                          s,
                          id,
                          null,
                          where + ": crew member " + id + " has " + p)));
      if (m.role() == CrewRole.DRIVER && s.startedAt != 0 && id.equals(s.driverId())) {
        m.badge()
            .filter(b -> b.expiresOn().isBefore(plan.date()))
            .ifPresent(
                b ->
                    found.add(
                        condition(
                            AlertType.CREW_BADGE_EXPIRED,
                            s,
                            id,
                            null,
                            where + ": driver " + id + "'s badge expired on " + b.expiresOn())));
      }
    }
    if (plan.requiresGuide() && s.startedAt != 0 && s.guideId() == null) {
      found.add(
          condition(
              AlertType.CREW_GUIDE_MISSING,
              s,
              null,
              null,
              where + " started without the guide its route requires"));
    }
    boolean driverChanged =
        s.driverId() != null
            && plan.plannedDriverId() != null
            && !s.driverId().equals(plan.plannedDriverId());
    boolean guideChanged =
        s.guideId() != null
            && plan.plannedGuideId() != null
            && !s.guideId().equals(plan.plannedGuideId());
    if (driverChanged || guideChanged) {
      String who =
          (driverChanged
                  ? "driver " + plan.plannedDriverId() + " → " + shown(s.driverId(), crew, plan)
                  : "")
              + (driverChanged && guideChanged ? ", " : "")
              + (guideChanged
                  ? "guide " + plan.plannedGuideId() + " → " + shown(s.guideId(), crew, plan)
                  : "");
      found.add(
          condition(
              AlertType.CREW_CHANGED,
              s,
              null,
              null,
              where + ": crew differs from the plan (" + who + ")"));
    }
  }

  private Optional<Condition> late(RunState s, Instant now, String where) {
    RunPlan plan = s.plan;
    Instant deadline = plan.arriveBy().plus(settings.lateAfter());
    if (s.arrivedAt != 0) {
      Instant arrived = Instant.ofEpochMilli(s.arrivedAt);
      return arrived.isAfter(deadline)
          ? Optional.of(
              condition(
                  AlertType.RUN_LATE,
                  s,
                  null,
                  null,
                  where
                      + " arrived at "
                      + time(arrived)
                      + ", "
                      + minutes(plan.arriveBy(), arrived)
                      + " min after "
                      + time(plan.arriveBy())))
          : Optional.empty();
    }
    if (s.completedAt != 0) {
      return Optional.empty();
    }
    Instant eta = Eta.arrival(s, settings);
    if (eta != null && eta.isAfter(deadline)) {
      return Optional.of(
          condition(
              AlertType.RUN_LATE,
              s,
              null,
              null,
              where
                  + " is predicted to arrive at "
                  + time(eta)
                  + ", "
                  + minutes(plan.arriveBy(), eta)
                  + " min after "
                  + time(plan.arriveBy())));
    }
    if (now.isAfter(deadline) && s.startedAt != 0) {
      return Optional.of(
          condition(
              AlertType.RUN_LATE,
              s,
              null,
              null,
              where + " has not arrived; it was due by " + time(plan.arriveBy())));
    }
    return Optional.empty();
  }

  private void pupils(
      RunState s, Instant now, boolean cancelled, List<Condition> found, String where) {
    RunPlan plan = s.plan;
    int lastReached = Eta.lastReached(s);
    for (int p = 0; p < plan.pupils().size(); p++) {
      PupilPlan pupil = plan.pupils().get(p);
      String ref = pupil.pupilId();
      if (s.wrongStopIds != null && s.wrongStopIds[p] != null) {
        found.add(
            condition(
                AlertType.PUPIL_WRONG_DROPOFF,
                s,
                null,
                ref,
                where
                    + ": pupil "
                    + ref
                    + " was dropped at "
                    + (isPlannedStop(plan, s.wrongStopIds[p])
                        ? "stop " + s.wrongStopIds[p]
                        : "a stop that is not on the run's plan")
                    + ", not the planned stop "
                    + plan.stops().get(pupil.dropoffStop()).id()));
      }
      if (!cancelled && s.boardedAt[p] == 0 && s.absentAt[p] == 0) {
        Instant leftAt = leftStopAt(s, pupil.pickupStop(), lastReached);
        if (leftAt != null && !leftAt.plus(settings.missedPickupGrace()).isAfter(now)) {
          found.add(
              condition(
                  AlertType.PUPIL_MISSED,
                  s,
                  null,
                  ref,
                  where
                      + ": the vehicle left stop "
                      + plan.stops().get(pupil.pickupStop()).id()
                      + " without pupil "
                      + ref
                      + " boarded or reported absent"));
        }
      }
      if (s.boardedAt[p] != 0) {
        Instant boarded = Instant.ofEpochMilli(s.boardedAt[p]);
        Instant off = s.droppedAt[p] != 0 ? Instant.ofEpochMilli(s.droppedAt[p]) : null;
        Instant predicted = off == null ? Eta.at(s, pupil.dropoffStop(), settings) : null;
        Instant end = off != null ? off : later(now, predicted);
        Duration limit = Duration.ofMinutes(pupil.limitMinutes());
        if (end != null && Duration.between(boarded, end).compareTo(limit) > 0) {
          String how =
              off != null
                  ? "was on board "
                  : (now.isAfter(boarded.plus(limit))
                      ? "has been on board "
                      : "is predicted to be on board ");
          found.add(
              condition(
                  AlertType.PUPIL_JOURNEY_TOO_LONG,
                  s,
                  null,
                  ref,
                  where
                      + ": pupil "
                      + ref
                      + " "
                      + how
                      + Duration.between(boarded, end).toMinutes()
                      + " min; the limit is "
                      + pupil.limitMinutes()
                      + " min"));
        }
      }
    }
  }

  /**
   * When the vehicle left a stop: a later stop reached after it (or at all, if it never reached
   * this one), or a position far from it after reaching it.
   */
  private Instant leftStopAt(RunState s, int stop, int lastReached) {
    long reached = s.stopReachedAt[stop];
    if (lastReached > stop) {
      long first = 0;
      for (int j = stop + 1; j < s.stopReachedAt.length; j++) {
        long t = s.stopReachedAt[j];
        if (t != 0 && t > reached && (first == 0 || t < first)) {
          first = t;
        }
      }
      if (first != 0) {
        return Instant.ofEpochMilli(first);
      }
    }
    RunPlan.StopPlan p = s.plan.stops().get(stop);
    if (reached != 0
        && s.positionAt > reached
        && Geo.metres(s.lat, s.lon, p.lat(), p.lon()) > settings.leftStopMetres()) {
      return Instant.ofEpochMilli(s.positionAt);
    }
    return null;
  }

  private static boolean registered(String id, CrewRegistry crew, RunPlan plan) {
    return crew.member(id).filter(m -> m.operatorId().equals(plan.operatorId())).isPresent();
  }

  /** A crew id as an alert may show it: the plan's id, or words for one the plan does not have. */
  private static String shown(String id, CrewRegistry crew, RunPlan plan) {
    return registered(id, crew, plan) ? id : "an unregistered crew member";
  }

  private static boolean isGuideSlot(RunState s, String id) {
    return id.equals(s.assignedGuide) || id.equals(s.startGuide);
  }

  private static boolean isPlannedStop(RunPlan plan, String stopId) {
    for (RunPlan.StopPlan stop : plan.stops()) {
      if (stop.id().equals(stopId)) {
        return true;
      }
    }
    return false;
  }

  private static Instant later(Instant a, Instant b) {
    return b == null || a.isAfter(b) ? a : b;
  }

  private Condition condition(
      AlertType type, RunState s, String crewId, String pupilId, String summary) {
    String subject =
        "run:"
            + s.plan.id()
            + (crewId == null ? "" : ":crew:" + crewId)
            + (pupilId == null ? "" : ":pupil:" + pupilId);
    return new Condition(
        type, subject, s.plan.date(), s.plan.id(), s.plan.operatorId(), crewId, pupilId, summary);
  }

  private String time(Instant t) {
    return HM.format(t.atZone(zone));
  }

  private static long minutes(Instant from, Instant to) {
    return (Duration.between(from, to).getSeconds() + 59) / 60;
  }

  LocalDate date(Instant t) {
    return t.atZone(zone).toLocalDate();
  }
}
