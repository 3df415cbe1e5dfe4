package travelwatch.mi;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import travelwatch.access.AccessStore;
import travelwatch.access.Role;
import travelwatch.alert.AlertStore;
import travelwatch.alert.AlertType;
import travelwatch.alert.Condition;
import travelwatch.live.LiveEvents.LiveEvent;
import travelwatch.mi.MiReturn.CrewLine;
import travelwatch.mi.MiReturn.RunLine;
import travelwatch.notify.Outbox;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;

/**
 * Takes a return in: reads both files (every problem refuses it whole, nothing stored), reconciles
 * it with the plan and the month's events, and stores it as the month's next version together with
 * an {@code mi.finding} alert for each critical or high kind found and the managers' summary email.
 */
final class MiReceipt {
  private final Vertx vertx;
  private final MiStore store;
  private final AlertStore alerts;
  private final MiLetters letters;
  private final ServiceClock time;

  MiReceipt(Vertx vertx, MiStore store, AlertStore alerts, MiLetters letters, ServiceClock time) {
    this.vertx = vertx;
    this.store = store;
    this.alerts = alerts;
    this.letters = letters;
    this.time = time;
  }

  /** What a stored return answers: its version and number of findings, and its stream entries. */
  record Receipt(int version, int findings, List<LiveEvent> events) {}

  Future<Receipt> receive(
      String operatorId, YearMonth month, String by, byte[] crewCsv, byte[] runsCsv) {
    // Reading up to the row limit of two files is work for a worker thread, not the event loop.
    return vertx
        .executeBlocking(() -> MiReturnReader.read(month, crewCsv, runsCsv), false)
        .compose(
            outcome -> {
              if (!outcome.problems().isEmpty()) {
                return Future.failedFuture(refusal(outcome.problems()));
              }
              MiReturn declared = outcome.read().orElseThrow();
              Set<String> crewIds =
                  declared.crew().stream().map(CrewLine::crewId).collect(Collectors.toSet());
              return store
                  .facts(operatorId, month, crewIds)
                  .compose(
                      facts -> {
                        List<CsvProblem> problems = unknownRoutes(declared, facts.routes());
                        if (!problems.isEmpty()) {
                          return Future.failedFuture(refusal(problems));
                        }
                        List<Finding> findings =
                            Reconciliation.of(declared, facts.plan(), facts.recorded());
                        MiStore.Received received =
                            new MiStore.Received(
                                operatorId,
                                month,
                                time.now(),
                                by,
                                new String(crewCsv, StandardCharsets.UTF_8),
                                new String(runsCsv, StandardCharsets.UTF_8),
                                findings);
                        return store
                            .store(
                                received,
                                (conn, version) ->
                                    consequences(conn, operatorId, month, version, findings))
                            .map(s -> new Receipt(s.version(), findings.size(), s.events()));
                      });
            });
  }

  /** A run line must name one of the operator's routes. */
  private static List<CsvProblem> unknownRoutes(MiReturn declared, Set<String> routes) {
    List<CsvProblem> problems = new ArrayList<>();
    for (RunLine line : declared.runs()) {
      if (!routes.contains(line.routeId())) {
        problems.add(
            new CsvProblem(
                "runs",
                line.line(),
                MiReturn.RUN_COLUMNS.indexOf("routeId") + 1,
                "routeId is not a route of this operator in the plan"));
      }
      if (problems.size() >= MiReturnReader.MAX_PROBLEMS) {
        break;
      }
    }
    return problems;
  }

  private static ApiException refusal(List<CsvProblem> problems) {
    List<FieldProblem> errors =
        problems.stream()
            .map(p -> FieldProblem.inFile(p.file(), p.line(), p.column(), p.message()))
            .toList();
    return ApiException.badRequest(
        "The return cannot be read: "
            + problems.size()
            + (problems.size() >= MiReturnReader.MAX_PROBLEMS ? " or more" : "")
            + " problem(s). Nothing was stored.",
        errors);
  }

  /**
   * An alert for each critical or high kind found (at the kind's severity, counting its findings),
   * and the managers' summary when there is any.
   */
  private Future<List<LiveEvent>> consequences(
      SqlConnection conn, String operatorId, YearMonth month, int version, List<Finding> findings) {
    Map<Finding.Kind, Integer> serious = new TreeMap<>();
    findings.stream()
        .filter(f -> f.severity() != Finding.Severity.WARNING)
        .forEach(f -> serious.merge(f.kind(), 1, Integer::sum));
    List<LiveEvent> events = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<Finding.Kind, Integer> e : serious.entrySet()) {
      Condition condition =
          new Condition(
              AlertType.MI_FINDING,
              "mi:" + operatorId + ":" + month + ":" + e.getKey().wireName(),
              time.today(),
              null,
              operatorId,
              null,
              null,
              "Monthly return "
                  + month
                  + " of "
                  + operatorId
                  + " (version "
                  + version
                  + "): "
                  + e.getValue()
                  + " × "
                  + e.getKey().wireName(),
              1,
              null,
              AlertType.Severity.valueOf(e.getKey().severity().name()));
      chain =
          chain.compose(v -> alerts.raiseWithin(conn, condition).map(events::addAll)).mapEmpty();
    }
    if (serious.isEmpty()) {
      return chain.map(events);
    }
    return chain
        .compose(v -> AccessStore.emailsOfRoles(conn, List.of(Role.MANAGER)))
        .compose(
            to ->
                to.isEmpty()
                    ? Future.succeededFuture()
                    : Outbox.enqueue(
                        conn,
                        letters.summary(to, operatorId, month, version, findings),
                        time.real().instant()))
        .map(events);
  }
}
