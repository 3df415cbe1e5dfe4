package travelwatch.monitor;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import travelwatch.config.MonitorSettings;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Phase;
import travelwatch.plan.Plan.Pupil;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.School;
import travelwatch.plan.Plan.Stop;

/** Builds the monitor's view of each planned run of a day from the stored plan. */
public final class RunPlans {
  private RunPlans() {}

  public static List<RunPlan> of(Plan plan, LocalDate date, ZoneId zone, MonitorSettings settings) {
    Map<String, Route> routes =
        plan.routes().stream().collect(Collectors.toMap(Route::id, Function.identity()));
    Map<String, School> schools =
        plan.schools().stream().collect(Collectors.toMap(School::id, Function.identity()));
    Map<String, Pupil> pupils =
        plan.pupils().stream().collect(Collectors.toMap(Pupil::id, Function.identity()));
    Map<String, String> operatorNames =
        plan.operators().stream().collect(Collectors.toMap(Plan.Operator::id, Plan.Operator::name));
    Map<String, String> interned = new HashMap<>();
    List<RunPlan> plans = new ArrayList<>();
    for (Run run : plan.runs()) {
      if (!run.date().equals(date) || run.stops().isEmpty()) {
        continue;
      }
      Route route = routes.get(run.routeId());
      School school = schools.get(route.schoolId());
      List<RunPlan.StopPlan> stops = new ArrayList<>(run.stops().size());
      Map<String, Integer> pickup = new HashMap<>();
      Map<String, Integer> dropoff = new HashMap<>();
      for (int i = 0; i < run.stops().size(); i++) {
        Stop s = run.stops().get(i);
        stops.add(
            new RunPlan.StopPlan(
                intern(interned, s.id()),
                s.seq(),
                s.lat(),
                s.lon(),
                date.atTime(s.plannedTime()).atZone(zone).toInstant()));
        for (String p : s.pickups()) {
          pickup.put(p, i);
        }
        for (String p : s.dropoffs()) {
          dropoff.put(p, i);
        }
      }
      List<RunPlan.PupilPlan> onRun = new ArrayList<>();
      for (Map.Entry<String, Integer> e : pickup.entrySet()) {
        Pupil pupil = pupils.get(e.getKey());
        int limit =
            pupil != null && pupil.maxJourneyMinutes().isPresent()
                ? pupil.maxJourneyMinutes().get()
                : defaultLimit(school.phase(), settings);
        onRun.add(
            new RunPlan.PupilPlan(
                intern(interned, e.getKey()),
                e.getValue(),
                dropoff.getOrDefault(e.getKey(), stops.size() - 1),
                limit));
      }
      onRun.sort((a, b) -> a.pupilId().compareTo(b.pupilId()));
      plans.add(
          new RunPlan(
              run.id(),
              intern(interned, route.id()),
              intern(interned, route.operatorId()),
              intern(interned, school.id()),
              intern(interned, school.name()),
              date,
              run.direction().name(),
              date.atTime(run.arriveBy()).atZone(zone).toInstant(),
              route.requiresGuide(),
              run.plannedDriverId().map(d -> intern(interned, d)).orElse(null),
              run.plannedGuideId().map(g -> intern(interned, g)).orElse(null),
              List.copyOf(stops),
              List.copyOf(onRun),
              intern(interned, operatorNames.get(route.operatorId()))));
    }
    return plans;
  }

  private static int defaultLimit(Phase phase, MonitorSettings settings) {
    return switch (phase) {
      case PRIMARY -> settings.journeyPrimaryMinutes();
      case SECONDARY -> settings.journeySecondaryMinutes();
      case SPECIAL -> settings.journeySpecialMinutes();
    };
  }

  private static String intern(Map<String, String> pool, String s) {
    return pool.computeIfAbsent(s, Function.identity());
  }
}
