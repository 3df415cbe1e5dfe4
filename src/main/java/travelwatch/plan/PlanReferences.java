package travelwatch.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import travelwatch.plan.Plan.Crew;
import travelwatch.plan.Plan.CrewRole;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.Stop;
import travelwatch.platform.http.FieldProblem;

/**
 * Checks that every id a plan names exists, in the document itself or among what is already stored,
 * and that planned crew fit their run.
 */
final class PlanReferences {
  private PlanReferences() {}

  record CrewRef(String operatorId, CrewRole role) {}

  /** The stored entities a plan refers to but does not itself define. */
  record Stored(
      Set<String> operators,
      Set<String> schools,
      Set<String> pupils,
      Map<String, CrewRef> crew,
      Map<String, String> routeOperators,
      Set<String> runs) {
    static Stored none() {
      return new Stored(Set.of(), Set.of(), Set.of(), Map.of(), Map.of(), Set.of());
    }
  }

  /** Ids referenced but not defined in the document, by kind, to look up in the store. */
  record Wanted(
      Set<String> operators,
      Set<String> schools,
      Set<String> pupils,
      Set<String> crew,
      Set<String> routes) {
    boolean isEmpty() {
      return operators.isEmpty()
          && schools.isEmpty()
          && pupils.isEmpty()
          && crew.isEmpty()
          && routes.isEmpty();
    }
  }

  static Wanted wanted(Plan plan) {
    Index index = new Index(plan);
    Set<String> operators = new HashSet<>();
    Set<String> schools = new HashSet<>();
    Set<String> pupils = new HashSet<>();
    Set<String> crew = new HashSet<>();
    Set<String> routes = new HashSet<>();
    present(plan.pupils()).forEach(p -> addIfMissing(schools, index.schools, p.schoolId()));
    present(plan.crew()).forEach(c -> addIfMissing(operators, index.operators, c.operatorId()));
    for (Route r : present(plan.routes())) {
      addIfMissing(operators, index.operators, r.operatorId());
      addIfMissing(schools, index.schools, r.schoolId());
    }
    for (Run run : present(plan.runs())) {
      addIfMissing(routes, index.routes.keySet(), run.routeId());
      run.plannedDriverId().ifPresent(id -> addIfMissing(crew, index.crew.keySet(), id));
      run.plannedGuideId().ifPresent(id -> addIfMissing(crew, index.crew.keySet(), id));
      for (Stop stop : run.stops()) {
        stop.pickups().forEach(p -> addIfMissing(pupils, index.pupils, p));
        stop.dropoffs().forEach(p -> addIfMissing(pupils, index.pupils, p));
      }
    }
    return new Wanted(operators, schools, pupils, crew, routes);
  }

  static List<FieldProblem> check(Plan plan, Stored stored) {
    Index index = new Index(plan);
    Set<String> operators = union(index.operators, stored.operators());
    Set<String> schools = union(index.schools, stored.schools());
    Set<String> pupils = union(index.pupils, stored.pupils());
    Map<String, CrewRef> crew = new HashMap<>(stored.crew());
    crew.putAll(index.crew);
    Map<String, String> routeOperators = new HashMap<>(stored.routeOperators());
    routeOperators.putAll(index.routes);

    List<FieldProblem> problems = new ArrayList<>();
    for (int i = 0; i < plan.pupils().size(); i++) {
      var p = plan.pupils().get(i);
      if (p == null) {
        continue;
      }
      unknown(problems, "pupils[" + i + "].schoolId", "school", p.schoolId(), schools);
    }
    for (int i = 0; i < plan.crew().size(); i++) {
      if (plan.crew().get(i) == null) {
        continue;
      }
      unknown(
          problems,
          "crew[" + i + "].operatorId",
          "operator",
          plan.crew().get(i).operatorId(),
          operators);
    }
    for (int i = 0; i < plan.routes().size(); i++) {
      Route r = plan.routes().get(i);
      if (r == null) {
        continue;
      }
      unknown(problems, "routes[" + i + "].operatorId", "operator", r.operatorId(), operators);
      unknown(problems, "routes[" + i + "].schoolId", "school", r.schoolId(), schools);
    }
    for (int i = 0; i < plan.runs().size(); i++) {
      Run run = plan.runs().get(i);
      if (run == null) {
        continue;
      }
      String path = "runs[" + i + "]";
      boolean routeKnown =
          unknown(problems, path + ".routeId", "route", run.routeId(), routeOperators.keySet());
      String operatorId = routeKnown ? routeOperators.get(run.routeId()) : null;
      plannedCrew(
          problems,
          path + ".plannedDriverId",
          run.plannedDriverId(),
          CrewRole.DRIVER,
          operatorId,
          crew);
      plannedCrew(
          problems,
          path + ".plannedGuideId",
          run.plannedGuideId(),
          CrewRole.GUIDE,
          operatorId,
          crew);
      Map<String, Integer> pickedUpAt = new HashMap<>();
      Set<String> droppedOff = new HashSet<>();
      for (int s = 0; s < run.stops().size(); s++) {
        Stop stop = run.stops().get(s);
        String stopPath = path + ".stops[" + s + "]";
        for (int k = 0; k < stop.pickups().size(); k++) {
          String pupil = stop.pickups().get(k);
          unknown(problems, stopPath + ".pickups[" + k + "]", "pupil", pupil, pupils);
          if (pickedUpAt.putIfAbsent(pupil, stop.seq()) != null) {
            problems.add(
                FieldProblem.at(
                    stopPath + ".pickups[" + k + "]", "pupil '" + pupil + "' is picked up twice"));
          }
        }
        for (int k = 0; k < stop.dropoffs().size(); k++) {
          String pupil = stop.dropoffs().get(k);
          unknown(problems, stopPath + ".dropoffs[" + k + "]", "pupil", pupil, pupils);
          Integer pickedSeq = pickedUpAt.get(pupil);
          if (pickedSeq == null || pickedSeq >= stop.seq()) {
            problems.add(
                FieldProblem.at(
                    stopPath + ".dropoffs[" + k + "]",
                    "pupil '"
                        + pupil
                        + "' is dropped off without being picked up at an earlier stop"));
          }
          droppedOff.add(pupil);
        }
      }
      for (String pupil : pickedUpAt.keySet()) {
        if (!droppedOff.contains(pupil)) {
          problems.add(
              FieldProblem.at(
                  path + ".stops", "pupil '" + pupil + "' is picked up but never dropped off"));
        }
      }
    }
    return problems;
  }

  private static void plannedCrew(
      List<FieldProblem> problems,
      String path,
      Optional<String> crewId,
      CrewRole role,
      String operatorId,
      Map<String, CrewRef> crew) {
    if (crewId.isEmpty()) {
      return;
    }
    CrewRef ref = crew.get(crewId.get());
    if (ref == null) {
      problems.add(FieldProblem.at(path, "unknown crew '" + crewId.get() + "'"));
    } else if (ref.role() != role) {
      problems.add(
          FieldProblem.at(path, "crew '" + crewId.get() + "' is not a " + PlanJson.name(role)));
    } else if (operatorId != null && !operatorId.equals(ref.operatorId())) {
      problems.add(
          FieldProblem.at(
              path, "crew '" + crewId.get() + "' is not registered to the route's operator"));
    }
  }

  private static boolean unknown(
      List<FieldProblem> problems, String path, String kind, String id, Set<String> known) {
    if (known.contains(id)) {
      return true;
    }
    problems.add(FieldProblem.at(path, "unknown " + kind + " '" + id + "'"));
    return false;
  }

  private static void addIfMissing(Set<String> wanted, Set<String> defined, String id) {
    if (id != null && !defined.contains(id)) {
      wanted.add(id);
    }
  }

  /** Items that were read without problems (the others are left as gaps to keep indexes). */
  static <T> List<T> present(List<T> items) {
    return items.stream().filter(java.util.Objects::nonNull).toList();
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  /** The ids the document itself defines. */
  private static final class Index {
    final Set<String> operators = new HashSet<>();
    final Set<String> schools = new HashSet<>();
    final Set<String> pupils = new HashSet<>();
    final Map<String, CrewRef> crew = new HashMap<>();
    final Map<String, String> routes = new HashMap<>();

    Index(Plan plan) {
      present(plan.operators()).forEach(o -> operators.add(o.id()));
      present(plan.schools()).forEach(s -> schools.add(s.id()));
      present(plan.pupils()).forEach(p -> pupils.add(p.id()));
      for (Crew c : present(plan.crew())) {
        crew.put(c.id(), new CrewRef(c.operatorId(), c.role()));
      }
      present(plan.routes()).forEach(r -> routes.put(r.id(), r.operatorId()));
    }
  }
}
