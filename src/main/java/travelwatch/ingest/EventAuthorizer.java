package travelwatch.ingest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import travelwatch.access.Caller;
import travelwatch.access.Scope;
import travelwatch.ingest.EventType.Sender;
import travelwatch.ingest.PlanOwners.Kind;
import travelwatch.ingest.PlanOwners.Owners;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;

/**
 * Decides whether a caller may send a batch: council keys only their own types, operator keys only
 * operator types naming their own runs, crew and pupils. A crew phone may send what its operator's
 * key may, except the compliance records (DBS checks, badges: the office's to send), and any driver
 * or guide it names must be a crew member of its operator. An id that is another operator's and one
 * that does not exist get the same answer, so a 403 tells nothing about others.
 */
public final class EventAuthorizer {
  private final PlanOwners ownership;

  public EventAuthorizer(PlanOwners ownership) {
    this.ownership = ownership;
  }

  /**
   * {@code caller} is an operator's key, a feed key or a crew phone: the route's rule admits no one
   * else.
   */
  public Future<Void> authorize(Caller caller, List<IncomingEvent> events) {
    List<FieldProblem> problems = new ArrayList<>();
    Sender allowed = sender(caller);
    boolean phone = caller instanceof Caller.CrewDevice;
    for (IncomingEvent e : events) {
      if (e.type().sender() != allowed) {
        problems.add(
            new FieldProblem(e.index(), "type", "this key may not send " + e.type().wireName()));
      } else if (phone && COMPLIANCE.contains(e.type())) {
        problems.add(
            new FieldProblem(
                e.index(),
                "type",
                "a crew phone may not send "
                    + e.type().wireName()
                    + ": compliance records come from the operator's office"));
      }
    }
    if (!problems.isEmpty()) {
      return Future.failedFuture(refused(problems));
    }
    if (caller instanceof Caller.OperatorKey operator) {
      return checkOwnership(operator.operatorId(), events);
    }
    if (caller instanceof Caller.CrewDevice device) {
      return checkOwnership(device.operatorId(), events)
          .compose(v -> checkNamedCrew(device.operatorId(), events));
    }
    if (allowed == Sender.HR) {
      return checkCrewExists(events);
    }
    return Future.succeededFuture();
  }

  private static final Set<EventType> COMPLIANCE =
      Set.of(EventType.CREW_DBS_CHECKED, EventType.CREW_BADGE_UPDATED);

  private static Sender sender(Caller caller) {
    if (caller instanceof Caller.OperatorKey || caller instanceof Caller.CrewDevice) {
      return Sender.OPERATOR;
    }
    Scope scope = ((Caller.FeedKey) caller).scope();
    return switch (scope) {
      case TELEPHONY -> Sender.TELEPHONY;
      case CASEWORK -> Sender.CASEWORK;
      case HR -> Sender.HR;
      default -> throw new IllegalStateException("not a feed scope: " + scope);
    };
  }

  private Future<Void> checkOwnership(String operatorId, List<IncomingEvent> events) {
    Set<String> runs = new HashSet<>();
    Set<String> crew = new HashSet<>();
    Set<String> pupils = new HashSet<>();
    for (IncomingEvent e : events) {
      addIfPresent(runs, e.runId());
      addIfPresent(crew, e.crewId());
      addIfPresent(pupils, e.pupilId());
    }
    Future<Map<String, Owners>> runOwners = lookup(Kind.RUN, runs);
    Future<Map<String, Owners>> crewOwners = lookup(Kind.CREW, crew);
    Future<Map<String, Owners>> pupilOwners = lookup(Kind.PUPIL, pupils);
    return Future.all(runOwners, crewOwners, pupilOwners)
        .compose(
            all -> {
              List<FieldProblem> problems = new ArrayList<>();
              List<FieldProblem> misdated = new ArrayList<>();
              for (IncomingEvent e : events) {
                Owners run = owners(runOwners.result(), e.runId());
                if (e.runId() != null && !run.include(operatorId)) {
                  problems.add(
                      new FieldProblem(
                          e.index(),
                          "runId",
                          "no run " + e.runId() + " of this key's operator: check the run id"));
                } else if (e.runId() != null && !run.date().equals(e.serviceDate())) {
                  misdated.add(
                      new FieldProblem(
                          e.index(),
                          "occurredAt",
                          "falls on "
                              + e.serviceDate()
                              + ", but run "
                              + e.runId()
                              + " runs on "
                              + run.date()
                              + ": an event of a run happens on its day (check the device's"
                              + " clock and the run id)"));
                }
                if (e.crewId() != null
                    && !owners(crewOwners.result(), e.crewId()).include(operatorId)) {
                  problems.add(
                      new FieldProblem(
                          e.index(), "crewId", "not a crew member of this key's operator"));
                }
                if (e.pupilId() != null
                    && !owners(pupilOwners.result(), e.pupilId()).include(operatorId)) {
                  problems.add(
                      new FieldProblem(e.index(), "pupilId", "not a pupil of this key's operator"));
                }
              }
              if (!problems.isEmpty()) {
                return Future.failedFuture(refused(problems));
              }
              return misdated.isEmpty()
                  ? Future.<Void>succeededFuture()
                  : Future.failedFuture(
                      ApiException.badRequest(
                          misdated.size() == 1
                              ? "An event is dated outside its run's day; nothing was stored."
                              : misdated.size()
                                  + " events are dated outside their runs' days; nothing was"
                                  + " stored.",
                          misdated));
            });
  }

  /** The drivers and guides a phone's events name are crew members of its operator. */
  private Future<Void> checkNamedCrew(String operatorId, List<IncomingEvent> events) {
    Map<IncomingEvent, JsonObject> named = new java.util.LinkedHashMap<>();
    Set<String> crew = new HashSet<>();
    for (IncomingEvent e : events) {
      if (e.type() == EventType.CREW_ASSIGNED || e.type() == EventType.RUN_STARTED) {
        JsonObject body = new JsonObject(e.body());
        named.put(e, body);
        addIfPresent(crew, body.getString("driverId"));
        addIfPresent(crew, body.getString("guideId"));
      }
    }
    return lookup(Kind.CREW, crew)
        .compose(
            owners -> {
              List<FieldProblem> problems = new ArrayList<>();
              named.forEach(
                  (e, body) -> {
                    for (String field : List.of("driverId", "guideId")) {
                      String id = body.getString(field);
                      if (id != null && !owners(owners, id).include(operatorId)) {
                        problems.add(
                            new FieldProblem(
                                e.index(), field, "not a crew member of this phone's operator"));
                      }
                    }
                  });
              return problems.isEmpty()
                  ? Future.<Void>succeededFuture()
                  : Future.failedFuture(refused(problems));
            });
  }

  private Future<Void> checkCrewExists(List<IncomingEvent> events) {
    Set<String> crew = new HashSet<>();
    events.forEach(e -> addIfPresent(crew, e.crewId()));
    return lookup(Kind.CREW, crew)
        .compose(
            owners -> {
              List<FieldProblem> problems = new ArrayList<>();
              for (IncomingEvent e : events) {
                if (e.crewId() != null && owners(owners, e.crewId()).operators().isEmpty()) {
                  problems.add(new FieldProblem(e.index(), "crewId", "unknown crew member"));
                }
              }
              return problems.isEmpty()
                  ? Future.<Void>succeededFuture()
                  : Future.failedFuture(
                      ApiException.badRequest("Unknown crew; nothing was stored.", problems));
            });
  }

  private Future<Map<String, Owners>> lookup(Kind kind, Set<String> ids) {
    return ids.isEmpty() ? Future.succeededFuture(Map.of()) : ownership.operators(kind, ids);
  }

  private static Owners owners(Map<String, Owners> found, String id) {
    return id == null ? Owners.NONE : found.getOrDefault(id, Owners.NONE);
  }

  private static void addIfPresent(Set<String> set, String id) {
    if (id != null) {
      set.add(id);
    }
  }

  private static ApiException refused(List<FieldProblem> problems) {
    return ApiException.forbidden(
        "The key may not send "
            + (problems.size() == 1 ? "one event" : problems.size() + " events")
            + " in this request; nothing was stored.",
        problems);
  }
}
