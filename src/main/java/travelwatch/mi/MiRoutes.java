package travelwatch.mi;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Audit.audited;
import static travelwatch.access.Rule.operatorsAndAdmins;
import static travelwatch.access.Rule.role;
import static travelwatch.access.Rule.staffOrOwnOperator;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import travelwatch.access.Authenticator;
import travelwatch.access.Caller;
import travelwatch.access.Role;
import travelwatch.live.LiveEvents;
import travelwatch.platform.Rfc3339;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;

/**
 * Operators' monthly returns: an operator's key (its own) or an admin sends one; the operator or a
 * manager reads the latest one's reconciliation; managers see every operator's state for a month.
 */
final class MiRoutes {
  /**
   * A return's body limit: both files of the largest month ({@link MiReturnReader#MAX_ROWS} rows
   * each) fit several times over; a larger body is refused with 413 before it is read.
   */
  static final long BODY_LIMIT_BYTES = 16L * 1024 * 1024;

  private final MiStore store;
  private final MiReceipt receipt;
  private final MiCalendar calendar;
  private final ServiceClock time;
  private final EventBus bus;

  MiRoutes(MiStore store, MiReceipt receipt, MiCalendar calendar, ServiceClock time, EventBus bus) {
    this.store = store;
    this.receipt = receipt;
    this.calendar = calendar;
    this.time = time;
    this.bus = bus;
  }

  void mount(Router api) {
    // The caller and the operator are checked before the body is read.
    allow(api.put("/operators/:operatorId/mi/:month"), operatorsAndAdmins())
        .handler(OWN_OPERATOR)
        .handler(
            BodyHandler.create(true)
                .setBodyLimit(BODY_LIMIT_BYTES)
                .setUploadsDirectory(
                    Path.of(System.getProperty("java.io.tmpdir"), "travelwatch-mi").toString())
                .setDeleteUploadedFilesOnEnd(true))
        .handler(audited("mi.return", "operator", "operatorId"))
        .handler(this::receive);
    allow(api.get("/operators/:operatorId/mi/:month"), staffOrOwnOperator(Role.MANAGER))
        .handler(OWN_OPERATOR)
        .handler(this::reconciliation);
    allow(api.get("/mi"), role(Role.MANAGER)).handler(this::status);
  }

  /**
   * An operator's key reaches its own operator's returns only; a step of the route's security
   * policy, so it runs before the body is read.
   */
  private static final SecurityPolicyHandler OWN_OPERATOR =
      ctx -> {
        Caller caller = Authenticator.caller(ctx);
        Optional<String> own = caller.operatorScope();
        if (own.isPresent() && !own.get().equals(ctx.pathParam("operatorId"))) {
          throw ApiException.forbidden(
              "An operator's key reaches its own operator's returns only.");
        }
        month("month", ctx.pathParam("month"));
        ctx.next();
      };

  /** A month {@code YYYY-MM}. */
  static YearMonth month(String field, String text) {
    if (text == null || text.isBlank()) {
      throw ApiException.badRequest(
          "Missing " + field + ".", List.of(FieldProblem.at(field, "is required (YYYY-MM)")));
    }
    try {
      if (!text.matches("\\d{4}-\\d{2}")) {
        throw new DateTimeException("not YYYY-MM");
      }
      YearMonth month = YearMonth.parse(text);
      if (month.getYear() < 2000) {
        throw new DateTimeException("out of range");
      }
      return month;
    } catch (DateTimeException e) {
      throw ApiException.badRequest(
          "Bad " + field + ".",
          List.of(FieldProblem.at(field, "must be a month as YYYY-MM, got '" + text + "'")));
    }
  }

  private void receive(RoutingContext ctx) {
    Caller caller = Authenticator.caller(ctx);
    String operatorId = ctx.pathParam("operatorId");
    YearMonth month = month("month", ctx.pathParam("month"));
    if (month.isAfter(YearMonth.from(time.today()))) {
      throw ApiException.badRequest(
          "The month has not begun.",
          List.of(FieldProblem.at("month", "must not be after the current month")));
    }
    List<FieldProblem> missing = new ArrayList<>();
    Map<String, FileUpload> files = new java.util.HashMap<>();
    for (FileUpload f : ctx.fileUploads()) {
      if (files.putIfAbsent(f.name(), f) != null) {
        missing.add(FieldProblem.inFile(f.name(), 0, 0, "is sent twice: send each file once"));
      }
    }
    for (String name : List.of("crew", "runs")) {
      if (!files.containsKey(name)) {
        missing.add(
            FieldProblem.inFile(
                name, 0, 0, "is required: a multipart/form-data file part named " + name));
      }
    }
    if (!missing.isEmpty()) {
      throw ApiException.badRequest("The return needs its two CSV files, crew and runs.", missing);
    }
    var fs = ctx.vertx().fileSystem();
    Future<Buffer> crew = fs.readFile(files.get("crew").uploadedFileName());
    Future<Buffer> runs = fs.readFile(files.get("runs").uploadedFileName());
    Future.all(crew, runs)
        .compose(
            all ->
                store
                    .operatorExists(operatorId)
                    .compose(
                        exists ->
                            exists
                                ? receipt.receive(
                                    operatorId,
                                    month,
                                    caller.owner(),
                                    crew.result().getBytes(),
                                    runs.result().getBytes())
                                : Future.failedFuture(
                                    ApiException.notFound("There is no such operator."))))
        .onSuccess(
            stored -> {
              LiveEvents.publish(bus, stored.events());
              ctx.response()
                  .setStatusCode(201)
                  .putHeader("Content-Type", "application/json")
                  .end(
                      new JsonObject()
                          .put("version", stored.version())
                          .put("findings", stored.findings())
                          .encode());
            })
        .onFailure(ctx::fail);
  }

  private void reconciliation(RoutingContext ctx) {
    String operatorId = ctx.pathParam("operatorId");
    YearMonth month = month("month", ctx.pathParam("month"));
    String format = ctx.queryParams().get("format");
    if (format != null && !format.equals("json") && !format.equals("csv")) {
      throw ApiException.badRequest(
          "Bad format.", List.of(FieldProblem.at("format", "must be json or csv")));
    }
    store
        .latest(operatorId, month)
        .onSuccess(
            latest -> {
              if (latest.isEmpty()) {
                ctx.fail(
                    ApiException.notFound(
                        "There is no return from this operator for " + month + "."));
              } else if ("csv".equals(format)) {
                ctx.response()
                    .putHeader("Content-Type", "text/csv; charset=utf-8")
                    .putHeader(
                        "Content-Disposition",
                        "attachment; filename=\"mi-"
                            + month
                            + "-v"
                            + latest.get().version()
                            + ".csv\"")
                    .end(MiJson.csv(latest.get().findings()));
              } else {
                ctx.json(MiJson.reconciliation(latest.get(), time.zone()));
              }
            })
        .onFailure(ctx::fail);
  }

  private void status(RoutingContext ctx) {
    YearMonth month = month("month", ctx.queryParams().get("month"));
    LocalDate today = time.today();
    boolean pastDue = !today.isBefore(calendar.overdueFrom(month));
    store
        .status(month)
        .onSuccess(
            list -> {
              JsonArray items = new JsonArray();
              for (MiStore.Status s : list) {
                JsonObject item =
                    new JsonObject()
                        .put("operatorId", s.operatorId())
                        .put("plannedRuns", s.plannedRuns());
                if (s.version().isPresent()) {
                  item.put(
                      "received",
                      new JsonObject()
                          .put("at", Rfc3339.format(s.receivedAt().orElseThrow(), time.zone()))
                          .put("version", s.version().get()));
                } else {
                  item.putNull("received");
                }
                item.put("overdue", s.version().isEmpty() && s.plannedRuns() > 0 && pastDue)
                    .put("findings", MiJson.bySeverity(s.critical(), s.high(), s.warning()));
                items.add(item);
              }
              ctx.json(
                  new JsonObject()
                      .put("month", month.toString())
                      .put("dueOn", calendar.dueOn(month).toString())
                      .put("items", items));
            })
        .onFailure(ctx::fail);
  }
}
