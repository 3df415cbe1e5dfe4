package travelwatch.planchange;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.Stop;

/**
 * What a plan change changes from what stood: runs added, removed, retimed (date, direction or
 * arrive-by) or put on another route; stops added, removed, moved or retimed; pupils moved between
 * stops; planned crew changed; routes moved between operators. A plan document is an upsert, so
 * what it leaves out stands; it removes runs only by naming them.
 */
public record PlanDifference(
    List<RunRef> runsAdded,
    List<RunRef> runsRemoved,
    List<Retimed> runsRetimed,
    List<Rerouted> runsRerouted,
    List<StopChange> stopsChanged,
    List<PupilMove> pupilsMoved,
    List<CrewChange> crewChanged,
    List<RouteMove> routesMoved) {

  /** A run as a change names it: where and when it is (or was) planned, and whose route it is. */
  public record RunRef(
      String runId,
      String routeId,
      String operatorId,
      LocalDate date,
      Direction direction,
      LocalTime startsAt) {
    LocalDateTime start() {
      return date.atTime(startsAt);
    }
  }

  /** When a run is planned. */
  public record Timing(LocalDate date, Direction direction, LocalTime arriveBy) {}

  public record Retimed(RunRef run, Timing was, Timing now, RunRef before) {}

  public record Rerouted(RunRef run, String fromRouteId, String toRouteId, RunRef before) {}

  public enum StopChangeKind {
    ADDED,
    REMOVED,
    MOVED,
    RETIMED
  }

  /** A stop's place and time, as the plan gives them. */
  public record StopAt(int seq, double lat, double lon, LocalTime plannedTime) {}

  public record StopChange(
      RunRef run,
      String stopId,
      StopChangeKind change,
      Optional<StopAt> was,
      Optional<StopAt> now) {}

  public enum Action {
    PICKUP,
    DROPOFF
  }

  /** A pupil's pickup or drop-off on a run moved to another stop, added or taken off. */
  public record PupilMove(
      RunRef run,
      String pupilId,
      Action action,
      Optional<String> fromStopId,
      Optional<String> toStopId) {}

  public enum CrewRole {
    DRIVER,
    GUIDE
  }

  public record CrewChange(RunRef run, CrewRole role, Optional<String> was, Optional<String> now) {}

  /** A route given to another operator, with its runs from the change's day on. */
  public record RouteMove(
      String routeId, String fromOperatorId, String toOperatorId, List<RunRef> runs) {}

  public static PlanDifference none() {
    return new PlanDifference(
        List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
  }

  public boolean isEmpty() {
    return runsAdded.isEmpty()
        && runsRemoved.isEmpty()
        && runsRetimed.isEmpty()
        && runsRerouted.isEmpty()
        && stopsChanged.isEmpty()
        && pupilsMoved.isEmpty()
        && crewChanged.isEmpty()
        && routesMoved.isEmpty();
  }

  /**
   * The difference between {@code stood} (the stored plan where the change may touch it: its
   * routes, and its runs named by the change or of routes the change names, from {@code today} on)
   * and the change: {@code incoming} upserted, {@code removedRuns} removed.
   */
  public static PlanDifference between(
      Plan stood, Plan incoming, List<String> removedRuns, LocalDate today) {
    Map<String, String> operatorBefore = new HashMap<>();
    stood.routes().forEach(r -> operatorBefore.put(r.id(), r.operatorId()));
    Map<String, String> operatorAfter = new HashMap<>(operatorBefore);
    incoming.routes().forEach(r -> operatorAfter.put(r.id(), r.operatorId()));
    Map<String, Run> stoodRuns = new LinkedHashMap<>();
    stood.runs().forEach(r -> stoodRuns.put(r.id(), r));

    List<RunRef> added = new ArrayList<>();
    List<RunRef> removed = new ArrayList<>();
    List<Retimed> retimed = new ArrayList<>();
    List<Rerouted> rerouted = new ArrayList<>();
    List<StopChange> stops = new ArrayList<>();
    List<PupilMove> pupils = new ArrayList<>();
    List<CrewChange> crew = new ArrayList<>();
    Map<String, Run> incomingRuns = new HashMap<>();
    for (Run now : incoming.runs()) {
      incomingRuns.put(now.id(), now);
      RunRef after = ref(now, operatorAfter);
      Run was = stoodRuns.get(now.id());
      if (was == null) {
        added.add(after);
        continue;
      }
      RunRef before = ref(was, operatorBefore);
      Timing wasTiming = new Timing(was.date(), was.direction(), was.arriveBy());
      Timing nowTiming = new Timing(now.date(), now.direction(), now.arriveBy());
      if (!wasTiming.equals(nowTiming)) {
        retimed.add(new Retimed(after, wasTiming, nowTiming, before));
      }
      if (!was.routeId().equals(now.routeId())) {
        rerouted.add(new Rerouted(after, was.routeId(), now.routeId(), before));
      }
      stops(after, was, now, stops);
      pupils(after, was, now, pupils);
      crewChange(after, CrewRole.DRIVER, was.plannedDriverId(), now.plannedDriverId(), crew);
      crewChange(after, CrewRole.GUIDE, was.plannedGuideId(), now.plannedGuideId(), crew);
    }
    for (String id : removedRuns) {
      Run was = stoodRuns.get(id);
      if (was != null) {
        removed.add(ref(was, operatorBefore));
      }
    }
    List<RouteMove> moved = new ArrayList<>();
    for (Route route : incoming.routes()) {
      String from = operatorBefore.get(route.id());
      if (from == null || from.equals(route.operatorId())) {
        continue;
      }
      // The route's runs from today on, as they will stand: the document's where it has them.
      Map<String, RunRef> runs = new TreeMap<>();
      for (Run run : stoodRuns.values()) {
        if (run.routeId().equals(route.id()) && !removedRuns.contains(run.id())) {
          Run now = incomingRuns.getOrDefault(run.id(), run);
          runs.put(run.id(), ref(now, operatorAfter));
        }
      }
      for (Run run : incoming.runs()) {
        if (run.routeId().equals(route.id())) {
          runs.put(run.id(), ref(run, operatorAfter));
        }
      }
      List<RunRef> fromToday =
          runs.values().stream()
              .filter(r -> r.routeId().equals(route.id()) && !r.date().isBefore(today))
              .sorted(ORDER)
              .toList();
      moved.add(new RouteMove(route.id(), from, route.operatorId(), fromToday));
    }
    moved.sort(Comparator.comparing(RouteMove::routeId));
    return new PlanDifference(
        sorted(added),
        sorted(removed),
        retimed.stream().sorted(Comparator.comparing(Retimed::run, ORDER)).toList(),
        rerouted.stream().sorted(Comparator.comparing(Rerouted::run, ORDER)).toList(),
        List.copyOf(stops),
        List.copyOf(pupils),
        List.copyOf(crew),
        List.copyOf(moved));
  }

  static final Comparator<RunRef> ORDER =
      Comparator.comparing(RunRef::date)
          .thenComparing(RunRef::direction)
          .thenComparing(RunRef::runId);

  private static List<RunRef> sorted(List<RunRef> runs) {
    return runs.stream().sorted(ORDER).toList();
  }

  static RunRef ref(Run run, Map<String, String> operators) {
    LocalTime start =
        run.stops().stream()
            .map(Stop::plannedTime)
            .filter(Objects::nonNull)
            .min(Comparator.naturalOrder())
            .orElse(run.arriveBy());
    return new RunRef(
        run.id(),
        run.routeId(),
        operators.get(run.routeId()),
        run.date(),
        run.direction(),
        start.isBefore(run.arriveBy()) ? start : run.arriveBy());
  }

  private static void stops(RunRef run, Run was, Run now, List<StopChange> changes) {
    Map<String, Stop> before = new TreeMap<>();
    was.stops().forEach(s -> before.put(s.id(), s));
    Map<String, Stop> after = new TreeMap<>();
    now.stops().forEach(s -> after.put(s.id(), s));
    Set<String> ids = new TreeSet<>(before.keySet());
    ids.addAll(after.keySet());
    for (String id : ids) {
      Optional<StopAt> b = Optional.ofNullable(before.get(id)).map(PlanDifference::at);
      Optional<StopAt> a = Optional.ofNullable(after.get(id)).map(PlanDifference::at);
      StopChangeKind kind;
      if (b.isEmpty()) {
        kind = StopChangeKind.ADDED;
      } else if (a.isEmpty()) {
        kind = StopChangeKind.REMOVED;
      } else if (b.get().seq() != a.get().seq()
          || b.get().lat() != a.get().lat()
          || b.get().lon() != a.get().lon()) {
        kind = StopChangeKind.MOVED;
      } else if (!Objects.equals(b.get().plannedTime(), a.get().plannedTime())) {
        kind = StopChangeKind.RETIMED;
      } else {
        continue;
      }
      changes.add(new StopChange(run, id, kind, b, a));
    }
  }

  private static StopAt at(Stop s) {
    return new StopAt(s.seq(), s.lat(), s.lon(), s.plannedTime());
  }

  private static void pupils(RunRef run, Run was, Run now, List<PupilMove> moves) {
    Map<String, String> before = pupilStops(was);
    Map<String, String> after = pupilStops(now);
    Set<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    for (String key : keys) {
      String b = before.get(key);
      String a = after.get(key);
      if (!Objects.equals(a, b)) {
        int bar = key.indexOf('|');
        moves.add(
            new PupilMove(
                run,
                key.substring(bar + 1),
                Action.valueOf(key.substring(0, bar)),
                Optional.ofNullable(b),
                Optional.ofNullable(a)));
      }
    }
  }

  /** "ACTION|pupilId" to the stop (or stops, joined) where the run does that for the pupil. */
  private static Map<String, String> pupilStops(Run run) {
    Map<String, Set<String>> stops = new TreeMap<>();
    for (Stop stop : run.stops()) {
      stop.pickups()
          .forEach(p -> stops.computeIfAbsent("PICKUP|" + p, k -> new TreeSet<>()).add(stop.id()));
      stop.dropoffs()
          .forEach(p -> stops.computeIfAbsent("DROPOFF|" + p, k -> new TreeSet<>()).add(stop.id()));
    }
    Map<String, String> joined = new TreeMap<>();
    stops.forEach((k, v) -> joined.put(k, String.join(",", v)));
    return joined;
  }

  private static void crewChange(
      RunRef run,
      CrewRole role,
      Optional<String> was,
      Optional<String> now,
      List<CrewChange> changes) {
    if (!was.equals(now)) {
      changes.add(new CrewChange(run, role, was, now));
    }
  }
}
