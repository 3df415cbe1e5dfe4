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
import travelwatch.alert.Condition;
import travelwatch.config.MonitorSettings;
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
  private static final java.time.format.DateTimeFormatter HM =
      java.time.format.DateTimeFormatter.ofPattern("HH:mm");

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
  private final Map<String, Fold> folds = new HashMap<>();
  private final Set<Long> folded = new HashSet<>();
  private static final java.time.Duration FOLD_WINDOW = java.time.Duration.ofMinutes(1);
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
    Map<String, Condition> foldedNow = new LinkedHashMap<>();
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
      if (o instanceof IncidentReported i && "safeguarding".equals(i.category())) {
        if (run != null) {
          Condition c = incident(i, run);
          if (incidents.putIfAbsent(c.dedupKey(), c) == null) {
            newIncidents.add(c);
          }
        } else if (o.runId() == null && ownsGlobal && folded.add(i.meta().seq())) {
          // Each stored event counts once: a replay or a catch-up brings the same ones again.
          Condition c = fold(i);
          foldedNow.put(c.dedupKey(), c);
        }
      }
    }
    Changes changes = evaluate(affected, global, now, true);
    List<Condition> raised = new ArrayList<>(changes.raised());
    List<Condition> updated = new ArrayList<>(changes.updated());
    for (Condition c : foldedNow.values()) {
      if (incidents.put(c.dedupKey(), c) != null || alreadyRaised.remove(c.dedupKey())) {
        updated.add(c); // more reports folded into an alert already raised: its count grows
      } else {
        raised.add(c);
      }
    }
    for (Condition c : newIncidents) {
      if (alreadyRaised.remove(c.dedupKey())) {
        continue;
      }
      raised.add(c);
    }
    newIncidents.addAll(foldedNow.values());
    newIncidents.forEach(
        c ->
            active
                .computeIfAbsent(GLOBAL + "incidents", k -> new HashMap<>())
                .put(c.dedupKey(), c));
    return new Changes(
        raised, updated, changes.cleared(), changes.changedRuns(), changes.statusChanges());
  }

  /**
   * An incident without a run, folded with the same sender's earlier ones of its category when they
   * came within a minute of each other: a burst is one alert whose count is the number of reports.
   */
  private Condition fold(IncidentReported i) {
    String sender = i.meta().owner() == null ? "unknown" : i.meta().owner();
    String key = sender + "|" + i.category();
    Fold f = folds.get(key);
    Instant at = i.at();
    if (f == null
        || at.isAfter(f.lastAt.plus(FOLD_WINDOW))
        || at.isBefore(f.firstAt.minus(FOLD_WINDOW))) {
      f = new Fold("incident:" + sender + ":" + i.category() + ":" + i.meta().seq(), at);
      folds.put(key, f);
    } else {
      f.count++;
      f.firstAt = at.isBefore(f.firstAt) ? at : f.firstAt;
      f.lastAt = at.isAfter(f.lastAt) ? at : f.lastAt;
    }
    String operatorId = operatorOf(sender);
    String from = operatorId == null ? "" : " by operator " + operatorId;
    String summary =
        f.count == 1
            ? "Safeguarding incident reported" + from + " at " + HM.format(at.atZone(zone))
            : f.count
                + " safeguarding incidents reported"
                + from
                + " between "
                + HM.format(f.firstAt.atZone(zone))
                + " and "
                + HM.format(f.lastAt.atZone(zone));
    return new Condition(
        AlertType.INCIDENT_SAFEGUARDING,
        f.subject,
        f.firstAt.atZone(zone).toLocalDate(),
        null,
        operatorId,
        null,
        null,
        summary + ", with no run named (what was reported is stored with each event)",
        f.count);
  }

  /** The operator a sender speaks for: an operator's key, or a crew phone of one of its crew. */
  private String operatorOf(String sender) {
    if (sender.startsWith("operator:")) {
      return sender.substring("operator:".length());
    }
    if (sender.startsWith("crew:")) {
      return crew.member(sender.substring("crew:".length()))
          .map(CrewRegistry.Member::operatorId)
          .orElse(null);
    }
    return null;
  }

  /** A burst of incidents from one sender: its alert's subject, when it began and last grew. */
  private static final class Fold {
    final String subject;
    Instant firstAt;
    Instant lastAt;
    int count = 1;

    Fold(String subject, Instant at) {
      this.subject = subject;
      this.firstAt = at;
      this.lastAt = at;
    }
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
              "A call offered at "
                  + HM.format(w.offeredAt().atZone(zone))
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
        "Safeguarding incident reported"
            + where
            + " at "
            + HM.format(i.at().atZone(zone))
            + " (what was reported is on the run's timeline)");
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
