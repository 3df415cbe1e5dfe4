package travelwatch.planchange;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import travelwatch.planchange.PlanDifference.RunRef;
import travelwatch.planchange.PlanDifference.StopAt;
import travelwatch.planchange.PlanDifference.Timing;

/** The one JSON form of a plan change's difference. */
final class PlanChangeJson {
  private PlanChangeJson() {}

  /** The sections of a difference, in the order they are listed. */
  static final List<String> SECTIONS =
      List.of(
          "runsAdded",
          "runsRemoved",
          "runsRetimed",
          "runsRerouted",
          "stopsChanged",
          "pupilsMoved",
          "crewChanged",
          "routesMoved");

  static JsonObject difference(PlanDifference d) {
    return new JsonObject()
        .put("runsAdded", list(d.runsAdded(), PlanChangeJson::run))
        .put("runsRemoved", list(d.runsRemoved(), PlanChangeJson::run))
        .put(
            "runsRetimed",
            list(
                d.runsRetimed(),
                r -> run(r.run()).put("was", timing(r.was())).put("now", timing(r.now()))))
        .put(
            "runsRerouted",
            list(
                d.runsRerouted(),
                r ->
                    run(r.run())
                        .put("fromRouteId", r.fromRouteId())
                        .put("toRouteId", r.toRouteId())
                        .put("fromOperatorId", r.before().operatorId())))
        .put(
            "stopsChanged",
            list(
                d.stopsChanged(),
                s -> {
                  JsonObject j =
                      runId(s.run()).put("stopId", s.stopId()).put("change", wire(s.change()));
                  s.was().ifPresent(w -> j.put("was", stop(w)));
                  s.now().ifPresent(n -> j.put("now", stop(n)));
                  return j;
                }))
        .put(
            "pupilsMoved",
            list(
                d.pupilsMoved(),
                p -> {
                  JsonObject j =
                      runId(p.run()).put("pupilId", p.pupilId()).put("action", wire(p.action()));
                  p.fromStopId().ifPresent(s -> j.put("fromStopId", s));
                  p.toStopId().ifPresent(s -> j.put("toStopId", s));
                  return j;
                }))
        .put(
            "crewChanged",
            list(
                d.crewChanged(),
                c -> {
                  JsonObject j = runId(c.run()).put("role", wire(c.role()));
                  c.was().ifPresent(w -> j.put("was", w));
                  c.now().ifPresent(n -> j.put("now", n));
                  return j;
                }))
        .put(
            "routesMoved",
            list(
                d.routesMoved(),
                m ->
                    new JsonObject()
                        .put("routeId", m.routeId())
                        .put("fromOperatorId", m.fromOperatorId())
                        .put("toOperatorId", m.toOperatorId())
                        .put(
                            "runIds",
                            new JsonArray(m.runs().stream().map(RunRef::runId).toList()))));
  }

  /** How many entries each section of a stored difference has. */
  static JsonObject summary(JsonObject difference) {
    JsonObject summary = new JsonObject();
    for (String section : SECTIONS) {
      JsonArray items = difference.getJsonArray(section);
      summary.put(section, items == null ? 0 : items.size());
    }
    return summary;
  }

  private static <T> JsonArray list(List<T> items, Function<T, JsonObject> json) {
    JsonArray array = new JsonArray();
    items.forEach(i -> array.add(json.apply(i)));
    return array;
  }

  private static JsonObject runId(RunRef r) {
    return new JsonObject().put("runId", r.runId());
  }

  private static JsonObject run(RunRef r) {
    JsonObject j =
        runId(r)
            .put("routeId", r.routeId())
            .put("date", r.date().toString())
            .put("direction", r.direction().name());
    Optional.ofNullable(r.operatorId()).ifPresent(o -> j.put("operatorId", o));
    return j;
  }

  private static JsonObject timing(Timing t) {
    return new JsonObject()
        .put("date", t.date().toString())
        .put("direction", t.direction().name())
        .put("arriveBy", time(t.arriveBy()));
  }

  private static JsonObject stop(StopAt s) {
    return new JsonObject()
        .put("seq", s.seq())
        .put("lat", s.lat())
        .put("lon", s.lon())
        .put("plannedTime", time(s.plannedTime()));
  }

  private static String time(LocalTime t) {
    return t == null ? null : t.toString();
  }

  private static String wire(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
