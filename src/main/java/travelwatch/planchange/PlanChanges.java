package travelwatch.planchange;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import travelwatch.notify.Email;
import travelwatch.notify.Outbox;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Operator;
import travelwatch.plan.PlanImport;
import travelwatch.plan.PlanStore;
import travelwatch.plan.PlanStore.Counts;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;

/**
 * Route change control: every plan import or change is recorded as a plan change with who made it,
 * when, why and its difference from what stood ({@link PlanDifference}). One that alters a run due
 * within 24 hours waits, unwritten, for a manager's approval unless a manager made it or an admin
 * forced it ({@link ChangeControl}); meanwhile the plan, and so the run board and the monitors,
 * stay as they stood. When a change takes effect, its record, the plan's write and the emails to
 * the operators whose runs it changed commit together.
 */
public final class PlanChanges {
  /** The longest reason kept. */
  static final int MAX_REASON = 500;

  private final PlanImport planImport;
  private final PlanStore plan;
  private final PlanChangeStore changes;
  private final PlanChangeLetters letters;
  private final ServiceClock time;

  /** Large differences are worked out where {@code planImport} reads documents. */
  public PlanChanges(Pool pool, PlanImport planImport, ServiceClock time, String mailDomain) {
    this.planImport = planImport;
    this.plan = new PlanStore(pool);
    this.changes = new PlanChangeStore(pool, time.zone());
    this.letters = new PlanChangeLetters(mailDomain);
    this.time = time;
  }

  /**
   * Who makes a change: a user's email or {@code key-ID}; {@code manager} for a manager (or admin)
   * signed in, whose changes need no one else's approval.
   */
  public record Author(String name, boolean manager) {}

  /** A change recorded: its id, and the plan's counts if it took effect (empty while pending). */
  public record Outcome(long changeId, Optional<Counts> counts) {
    public boolean pending() {
      return counts.isEmpty();
    }

    public JsonObject toJson() {
      JsonObject change =
          new JsonObject().put("id", changeId).put("state", pending() ? "pending" : "effective");
      return counts.map(Counts::toJson).orElseGet(JsonObject::new).put("change", change);
    }
  }

  /**
   * A document checked, its difference from what stands, in JSON, and the runs it touches by
   * operator: worked out off the event loop, as a whole city's plan makes them large.
   */
  private record Prepared(
      PlanImport.Checked checked,
      Plan stood,
      PlanDifference difference,
      JsonObject differenceJson,
      Map<String, List<ChangeControl.Touched>> byOperator) {
    Map<String, Operator> operators() {
      Map<String, Operator> operators = new HashMap<>();
      stood.operators().forEach(o -> operators.put(o.id(), o));
      checked.plan().operators().forEach(o -> operators.put(o.id(), o));
      return operators;
    }
  }

  public Future<Outcome> submit(
      Buffer body, Author author, Optional<String> reason, boolean force) {
    return submit(planImport.check(body), author, reason, force);
  }

  public Future<Outcome> submit(
      JsonObject document, Author author, Optional<String> reason, boolean force) {
    return submit(planImport.check(document), author, reason, force);
  }

  private Future<Outcome> submit(
      Future<PlanImport.Checked> checked, Author author, Optional<String> asked, boolean force) {
    return checked
        .compose(this::prepare)
        .compose(
            prepared -> {
              Optional<String> reason = reason(asked, prepared.checked().reason());
              if (reason.isEmpty()
                  && ChangeControl.reasonRequired(prepared.difference(), time.today())) {
                throw ApiException.badRequest(
                    "The change alters runs of today or the next "
                        + ChangeControl.REASON_DAYS
                        + " days; nothing was written.",
                    List.of(
                        FieldProblem.at(
                            "reason",
                            "is required for a change to runs of today or the next "
                                + ChangeControl.REASON_DAYS
                                + " days (?reason= or \"reason\" in the document)")));
              }
              boolean waits =
                  !author.manager()
                      && !force
                      && ChangeControl.approvalRequired(
                          prepared.difference(), time.now().atZone(time.zone()));
              Instant now = time.now();
              JsonObject difference = prepared.differenceJson();
              if (waits) {
                return changes
                    .insert(
                        new PlanChangeStore.Made(
                            author.name(),
                            now,
                            reason.orElse(null),
                            true,
                            false,
                            difference,
                            prepared.checked().text().get()))
                    .map(id -> new Outcome(id, Optional.empty()));
              }
              long[] id = {0};
              return plan.write(
                      prepared.checked().write(),
                      conn ->
                          PlanChangeStore.insert(
                                  conn,
                                  new PlanChangeStore.Made(
                                      author.name(),
                                      now,
                                      reason.orElse(null),
                                      false,
                                      force,
                                      difference,
                                      null))
                              .compose(
                                  changeId -> {
                                    id[0] = changeId;
                                    return tell(conn, changeId, prepared);
                                  }))
                  .map(counts -> new Outcome(id[0], Optional.of(counts)));
            });
  }

  /**
   * A manager approves a pending change: its document is checked again and written, with the
   * difference it makes now, and its operators are told. Whoever made it may not approve it.
   */
  public Future<JsonObject> approve(long id, String approver) {
    return changes
        .pending(id)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return changes
                    .one(id)
                    .compose(
                        any ->
                            Future.failedFuture(
                                any.isPresent()
                                    ? PlanChangeStore.notPending(id)
                                    : ApiException.notFound("There is no such plan change.")));
              }
              if (found.get().madeBy().equals(approver)) {
                return Future.failedFuture(
                    ApiException.conflict(
                        "A plan change is approved by a manager other than whoever made it.",
                        List.of()));
              }
              return planImport
                  .check(found.get().document())
                  .recover(
                      e ->
                          Future.failedFuture(
                              e instanceof ApiException a && a.status() == 400
                                  ? ApiException.conflict(
                                      "Plan change "
                                          + id
                                          + " no longer fits the plan as it stands; nothing was"
                                          + " written.",
                                      a.errors())
                                  : e))
                  .compose(this::prepare)
                  .compose(
                      prepared ->
                          plan.write(
                              prepared.checked().write(),
                              conn ->
                                  PlanChangeStore.approved(
                                          conn, id, approver, time.now(), prepared.differenceJson())
                                      .compose(v -> tell(conn, id, prepared))));
            })
        .compose(counts -> changes.one(id))
        .map(Optional::orElseThrow);
  }

  /** The changes made between two service days, newest first. */
  public Future<JsonArray> between(LocalDate from, LocalDate to) {
    return changes.between(
        from.atStartOfDay(time.zone()).toInstant(),
        to.plusDays(1).atStartOfDay(time.zone()).toInstant());
  }

  public Future<Optional<JsonObject>> one(long id) {
    return changes.one(id);
  }

  private Future<Prepared> prepare(PlanImport.Checked checked) {
    Set<String> runIds = new HashSet<>(checked.removedRuns());
    checked.plan().runs().forEach(r -> runIds.add(r.id()));
    Set<String> routeIds = new HashSet<>();
    checked.plan().routes().forEach(r -> routeIds.add(r.id()));
    LocalDate today = time.today();
    return plan.stood(runIds, routeIds, today)
        .compose(
            stood ->
                planImport.offLoop(
                    () -> {
                      PlanDifference difference =
                          PlanDifference.between(
                              stood, checked.plan(), checked.removedRuns(), today);
                      return new Prepared(
                          checked,
                          stood,
                          difference,
                          PlanChangeJson.difference(difference),
                          ChangeControl.byOperator(difference));
                    }));
  }

  /** Emails each operator with an address whose runs the change touched. */
  private Future<Void> tell(SqlConnection conn, long changeId, Prepared prepared) {
    List<Email> emails = letters.letters(changeId, prepared.byOperator(), prepared.operators());
    Instant at = time.real().instant();
    List<Future<Void>> queued = new ArrayList<>();
    for (Email email : emails) {
      queued.add(Outbox.enqueue(conn, email, at));
    }
    return Future.all(queued).mapEmpty();
  }

  /** The reason given as a parameter, else in the document; blank is none; too long is a 400. */
  static Optional<String> reason(Optional<String> asked, Optional<String> inDocument) {
    Optional<String> reason =
        asked.or(() -> inDocument).map(String::strip).filter(s -> !s.isEmpty());
    if (reason.isPresent() && reason.get().length() > MAX_REASON) {
      throw ApiException.badRequest(
          "The reason is too long.",
          List.of(FieldProblem.at("reason", "must be at most " + MAX_REASON + " characters")));
    }
    return reason;
  }
}
