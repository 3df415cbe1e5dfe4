package travelwatch.monitor;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import travelwatch.alert.AlertType;
import travelwatch.monitor.Observation.Call;
import travelwatch.monitor.Observation.CrewAssigned;
import travelwatch.monitor.Observation.IncidentReported;
import travelwatch.monitor.Observation.RunStarted;
import travelwatch.monitor.RunState.Status;

/**
 * Watches one shard of a service day's runs (and, on the shard that owns them, the calls and the
 * incidents not tied to a run): folds events into each run's state, evaluates the rules, and
 * reports which conditions became true (raise an alert) or stopped being true (say so on the
 * alert). Plain Java with time passed in, so every rule is tested with virtual time.
 */
public final class Monitor {
  /** What one batch of events or one tick changed. */
  public record Changes(
      List<Condition> raised,
      List<Condition> updated,
      List<Condition> cleared,
      List<RunState> changedRuns,
      List<StatusChange> statusChanges) {
    public boolean isEmpty() {
      return raised.isEmpty()
          && updated.isEmpty()
          && cleared.isEmpty()
          && changedRuns.isEmpty()
          && statusChanges.isEmpty();
    }

    /** Several shards' changes as one, to store together. */
    public static Changes combine(Collection<Changes> all) {
      List<Condition> raised = new ArrayList<>();
      List<Condition> updated = new ArrayList<>();
      List<Condition> cleared = new ArrayList<>();
      List<RunState> changedRuns = new ArrayList<>();
      List<StatusChange> statusChanges = new ArrayList<>();
      for (Changes c : all) {
        raised.addAll(c.raised());
        updated.addAll(c.updated());
        cleared.addAll(c.cleared());
        changedRuns.addAll(c.changedRuns());
        statusChanges.addAll(c.statusChanges());
      }
      return new Changes(raised, updated, cleared, changedRuns, statusChanges);
    }
  }

  /** A run that moved to another status. */
  public record StatusChange(String runId, Status from, Status to) {}

  private static final String GLOBAL = "";

  private final LocalDate serviceDate;
  private final ZoneId zone;
  private final MonitorSettings settings;
  private final RunRules rules;
  private final CrewRegistry crew;
  private final boolean ownsGlobal;
  private final Map<String, RunState> runs = new LinkedHashMap<>();
  private final Map<String, Status> reportedStatus = new HashMap<>();
  private final Map<String, Set<String>> runsByCrew = new HashMap<>();
  private final CallsWindow calls = new CallsWindow();
  private final Map<String, Condition> incidents = new LinkedHashMap<>();
  private final Map<String, Map<String, Condition>> active = new HashMap<>();
  private final Set<String> alreadyRaised = new HashSet<>();

  public Monitor(
      LocalDate serviceDate,
      ZoneId zone,
      Collection<RunPlan> plans,
      CrewRegistry crew,
      boolean ownsGlobal,
      MonitorSettings settings) {
    this.serviceDate = serviceDate;
    this.zone = zone;
    this.settings = settings;
    this.rules = new RunRules(settings, zone);
    this.crew = crew;
    this.ownsGlobal = ownsGlobal;
    for (RunPlan plan : plans) {
      runs.put(plan.id(), new RunState(plan));
      reportedStatus.put(plan.id(), Status.PLANNED);
      indexCrew(plan.plannedDriverId(), plan.id());
      indexCrew(plan.plannedGuideId(), plan.id());
    }
  }

  public LocalDate serviceDate() {
    return serviceDate;
  }

  /**
   * Conditions already raised as alerts before this monitor started (it must not raise them again).
   */
  public void alreadyRaised(Collection<String> dedupKeys) {
    alreadyRaised.addAll(dedupKeys);
  }

  /**
   * Keys that were raised before but whose conditions no longer hold after the first evaluation.
   */
  public List<String> staleRaised() {
    Set<String> current = new HashSet<>();
    active.values().forEach(m -> current.addAll(m.keySet()));
    return alreadyRaised.stream().filter(k -> !current.contains(k)).toList();
  }

  public RunState run(String runId) {
    return runs.get(runId);
  }

  public Collection<RunState> runs() {
    return runs.values();
  }

  public CallsWindow.Rate callRate(Instant now) {
    return calls.rate(now, settings.callWindow());
  }

  public Changes apply(List<Observation> batch, Instant now) {
    Set<String> affected = new HashSet<>();
    boolean global = false;
    List<Condition> newIncidents = new ArrayList<>();
    for (Observation o : batch) {
      RunState run = o.runId() == null ? null : runs.get(o.runId());
      if (run != null) {
        run.apply(o);
        affected.add(run.plan.id());
        if (o instanceof CrewAssigned e) {
          indexCrew(e.driverId(), e.runId());
          indexCrew(e.guideId(), e.runId());
        } else if (o instanceof RunStarted e) {
          indexCrew(e.driverId(), e.runId());
          indexCrew(e.guideId(), e.runId());
        }
      }
      if (crew.apply(o)) {
        String crewId = crewIdOf(o);
        for (String runId : runsByCrew.getOrDefault(crewId, Set.of())) {
          Status status = runs.get(runId).status();
          if (status != Status.COMPLETED && status != Status.CANCELLED) {
            affected.add(runId);
          }
        }
      }
      if (o instanceof Call call && ownsGlobal) {
        calls.apply(call);
        global = true;
      }
      if (o instanceof IncidentReported i
          && "safeguarding".equals(i.category())
          && (run != null || (o.runId() == null && ownsGlobal))) {
        Condition c = incident(i, run);
        if (incidents.putIfAbsent(c.dedupKey(), c) == null) {
          newIncidents.add(c);
        }
      }
    }
    Changes changes = evaluate(affected, global, now, true);
    List<Condition> raised = new ArrayList<>(changes.raised());
    for (Condition c : newIncidents) {
      if (alreadyRaised.remove(c.dedupKey())) {
        continue;
      }
      raised.add(c);
    }
    newIncidents.forEach(
        c ->
            active
                .computeIfAbsent(GLOBAL + "incidents", k -> new HashMap<>())
                .put(c.dedupKey(), c));
    return new Changes(
        raised,
        changes.updated(),
        changes.cleared(),
        changes.changedRuns(),
        changes.statusChanges());
  }

  /** Re-evaluates every run and the calls: the deadline rules fire without any event arriving. */
  public Changes tick(Instant now) {
    calls.forgetBefore(now.minus(settings.callWindow()).minus(settings.callWindow()));
    return evaluate(runs.keySet(), ownsGlobal, now, false);
  }

  /**
   * Evaluates the rules for {@code runIds}; {@code fromEvents} when their state changed, so they
   * are saved again (a tick changes no run's state: status and ETA depend on events only).
   */
  private Changes evaluate(
      Collection<String> runIds, boolean global, Instant now, boolean fromEvents) {
    List<Condition> raised = new ArrayList<>();
    List<Condition> updated = new ArrayList<>();
    List<Condition> cleared = new ArrayList<>();
    List<RunState> changed = new ArrayList<>();
    List<StatusChange> statusChanges = new ArrayList<>();
    for (String runId : runIds) {
      RunState run = runs.get(runId);
      diff(runId, rules.evaluate(run, crew, now), raised, updated, cleared);
      Status before = reportedStatus.get(runId);
      Status after = run.status();
      if (before != after) {
        reportedStatus.put(runId, after);
        statusChanges.add(new StatusChange(runId, before, after));
      }
      if (fromEvents) {
        changed.add(run);
      }
    }
    if (global) {
      diff(GLOBAL + "calls", callConditions(now), raised, updated, cleared);
    }
    return new Changes(raised, updated, cleared, changed, statusChanges);
  }

  /** New conditions are raised, vanished ones cleared, and ones whose details changed updated. */
  private void diff(
      String scope,
      List<Condition> now,
      List<Condition> raised,
      List<Condition> updated,
      List<Condition> cleared) {
    Map<String, Condition> before = active.getOrDefault(scope, Map.of());
    Map<String, Condition> after = new LinkedHashMap<>();
    for (Condition c : now) {
      after.putIfAbsent(c.dedupKey(), c);
    }
    for (Map.Entry<String, Condition> e : after.entrySet()) {
      Condition previous = before.get(e.getKey());
      if (previous == null) {
        if (alreadyRaised.remove(e.getKey())) {
          updated.add(e.getValue()); // raised before a restart: bring its details up to date
        } else {
          raised.add(e.getValue());
        }
      } else if (!previous.summary().equals(e.getValue().summary())) {
        updated.add(e.getValue());
      }
    }
    for (Map.Entry<String, Condition> e : before.entrySet()) {
      if (!after.containsKey(e.getKey())) {
        cleared.add(e.getValue());
      }
    }
    if (after.isEmpty()) {
      active.remove(scope);
    } else {
      active.put(scope, after);
    }
  }

  private List<Condition> callConditions(Instant now) {
    List<Condition> found = new ArrayList<>();
    CallsWindow.Rate rate = calls.rate(now, settings.callWindow());
    if (rate.offered() >= settings.callMinOffered()
        && rate.ratio() < settings.callAnswerRateMin()) {
      found.add(
          new Condition(
              AlertType.CALLS_ANSWER_RATE_LOW,
              "calls",
              serviceDate,
              null,
              null,
              null,
              null,
              String.format(
                  "Calls answered in the last %d min: %d of %d (%.1f%%), below %.0f%%",
                  settings.callWindow().toMinutes(),
                  rate.answered(),
                  rate.offered(),
                  100 * rate.ratio(),
                  100 * settings.callAnswerRateMin())));
    }
    for (CallsWindow.Waiting w : calls.waitingLongerThan(now, settings.callLongWait())) {
      found.add(
          new Condition(
              AlertType.CALLS_LONG_WAIT,
              "call:" + w.callId(),
              serviceDate,
              null,
              null,
              null,
              null,
              "Call "
                  + w.callId()
                  + " has waited "
                  + java.time.Duration.between(w.offeredAt(), now).toMinutes()
                  + " min without an answer"));
    }
    return found;
  }

  private Condition incident(IncidentReported i, RunState run) {
    String where =
        run == null
            ? ""
            : " on run "
                + run.plan.id()
                + " (route "
                + run.plan.routeId()
                + ", "
                + run.plan.schoolName()
                + ")";
    return new Condition(
        AlertType.INCIDENT_SAFEGUARDING,
        "incident:" + i.meta().seq(),
        i.at().atZone(zone).toLocalDate(),
        i.runId(),
        run == null ? null : run.plan.operatorId(),
        null,
        null,
        "Safeguarding incident reported" + where + " (event " + i.meta().eventId() + ")");
  }

  private static String crewIdOf(Observation o) {
    if (o instanceof Observation.DbsChecked e) {
      return e.crewId();
    }
    if (o instanceof Observation.BadgeUpdated e) {
      return e.crewId();
    }
    return ((Observation.CrewCleared) o).crewId();
  }

  private void indexCrew(String crewId, String runId) {
    if (crewId != null) {
      runsByCrew.computeIfAbsent(crewId, k -> new HashSet<>()).add(runId);
    }
  }
}
