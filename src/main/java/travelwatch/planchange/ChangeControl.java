package travelwatch.planchange;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import travelwatch.planchange.PlanDifference.RunRef;

/**
 * The rules of route change control: a change that alters or removes runs of today or the next
 * {@value #REASON_DAYS} days must say why; one that alters or removes a run due within the next 24
 * hours waits for a manager's approval unless a manager made it, or an admin forced it. Runs added
 * where none stood alter nothing anyone relies on yet: they need neither, and are not emailed (a
 * whole new plan would be a long list); the difference lists them.
 */
public final class ChangeControl {
  static final int REASON_DAYS = 7;
  static final Duration APPROVAL_WITHIN = Duration.ofHours(24);

  private ChangeControl() {}

  /** A run a change touches, for one operator, and what changed on it, in words. */
  public record Touched(RunRef run, Set<String> what) {}

  /** Every run the change touches, before and after, with whether it was only added. */
  private static void eachTouched(PlanDifference d, Consumer<RunRef> altered) {
    d.runsRemoved().forEach(altered);
    d.runsRetimed()
        .forEach(
            r -> {
              altered.accept(r.run());
              altered.accept(r.before());
            });
    d.runsRerouted()
        .forEach(
            r -> {
              altered.accept(r.run());
              altered.accept(r.before());
            });
    d.stopsChanged().forEach(s -> altered.accept(s.run()));
    d.pupilsMoved().forEach(p -> altered.accept(p.run()));
    d.crewChanged().forEach(c -> altered.accept(c.run()));
    d.routesMoved().forEach(m -> m.runs().forEach(altered));
  }

  /** Whether the change alters or removes a run dated today or in the next seven days. */
  public static boolean reasonRequired(PlanDifference d, LocalDate today) {
    LocalDate last = today.plusDays(REASON_DAYS);
    boolean[] near = {false};
    eachTouched(d, r -> near[0] |= !r.date().isBefore(today) && !r.date().isAfter(last));
    return near[0];
  }

  /**
   * Whether the change alters or removes a run of today, or one starting within the next 24 hours
   * of {@code now}.
   */
  public static boolean approvalRequired(PlanDifference d, ZonedDateTime now) {
    LocalDate today = now.toLocalDate();
    ZonedDateTime horizon = now.plus(APPROVAL_WITHIN);
    ZoneId zone = now.getZone();
    boolean[] soon = {false};
    eachTouched(
        d, r -> soon[0] |= !r.date().isBefore(today) && r.start().atZone(zone).isBefore(horizon));
    return soon[0];
  }

  /**
   * The runs the change alters or removes, by operator (both, for a run or route moved between
   * them): what its operators are told. Runs only added are in the difference, not here.
   */
  public static Map<String, List<Touched>> byOperator(PlanDifference d) {
    Map<String, Map<String, Touched>> by = new TreeMap<>();
    d.runsRemoved().forEach(r -> touch(by, r, "removed"));
    d.runsRetimed()
        .forEach(
            r -> {
              String what =
                  "retimed from "
                      + r.was().date()
                      + " "
                      + r.was().direction()
                      + " arriving by "
                      + r.was().arriveBy()
                      + " to "
                      + r.now().date()
                      + " "
                      + r.now().direction()
                      + " arriving by "
                      + r.now().arriveBy();
              touch(by, r.run(), what);
              touch(by, r.before(), what);
            });
    d.runsRerouted()
        .forEach(
            r -> {
              String what = "moved from route " + r.fromRouteId() + " to route " + r.toRouteId();
              touch(by, r.run(), what);
              touch(by, r.before(), what);
            });
    d.stopsChanged().forEach(s -> touch(by, s.run(), "stops changed"));
    d.pupilsMoved().forEach(p -> touch(by, p.run(), "pupils' stops changed"));
    d.crewChanged().forEach(c -> touch(by, c.run(), "planned crew changed"));
    d.routesMoved()
        .forEach(
            m -> {
              String what =
                  "route "
                      + m.routeId()
                      + " moved from operator "
                      + m.fromOperatorId()
                      + " to operator "
                      + m.toOperatorId();
              for (RunRef run : m.runs()) {
                touch(by, run, what);
                touch(by, m.fromOperatorId(), run, what);
              }
            });
    Map<String, List<Touched>> lists = new TreeMap<>();
    by.forEach(
        (operator, runs) -> {
          List<Touched> list = new ArrayList<>(runs.values());
          list.sort((a, b) -> PlanDifference.ORDER.compare(a.run(), b.run()));
          lists.put(operator, List.copyOf(list));
        });
    return lists;
  }

  private static void touch(Map<String, Map<String, Touched>> by, RunRef run, String what) {
    touch(by, run.operatorId(), run, what);
  }

  private static void touch(
      Map<String, Map<String, Touched>> by, String operatorId, RunRef run, String what) {
    if (operatorId == null) {
      return;
    }
    by.computeIfAbsent(operatorId, k -> new TreeMap<>())
        .computeIfAbsent(run.runId(), k -> new Touched(run, new TreeSet<>()))
        .what()
        .add(what);
  }
}
