package travelwatch.crew;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Audit.audited;
import static travelwatch.access.Rule.anyone;
import static travelwatch.access.Rule.crewDevice;
import static travelwatch.access.Rule.operatorsAndAdmins;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import travelwatch.access.Audit;
import travelwatch.access.Authenticator;
import travelwatch.access.Caller;
import travelwatch.access.CrewDevices;
import travelwatch.platform.Rfc3339;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.JsonBodies;
import travelwatch.platform.http.Params;

/**
 * The crew app's API: the office (operator key or admin) makes sign-in codes and sees and revokes
 * phones; a phone trades a code for a device token and reads its crew member's runs. The events a
 * phone records go to {@code POST /api/v1/events} like any operator's.
 */
public final class CrewRoutes {
  private final CrewDevices devices;
  private final CrewRuns runs;
  private final ServiceClock time;
  private final ZoneId zone;

  public CrewRoutes(Pool pool, CrewDevices devices, ServiceClock time) {
    this.devices = devices;
    this.runs = new CrewRuns(pool, time.zone());
    this.time = time;
    this.zone = time.zone();
  }

  /**
   * Signing in a phone needs no credentials: mounted before the authenticator, as logging in is.
   */
  public void mountSignIn(Router api) {
    allow(api.post("/crew/devices"), anyone())
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(this::signIn);
  }

  public void mount(Router api) {
    allow(api.get("/crew/me/runs"), crewDevice()).handler(this::myRuns);
    allow(api.post("/crew/:crewId/sign-in-codes"), operatorsAndAdmins())
        .handler(audited("crew.sign-in-code", "crew", "crewId"))
        .handler(this::newCode);
    allow(api.get("/crew/:crewId/devices"), operatorsAndAdmins()).handler(this::list);
    allow(api.delete("/crew/:crewId/devices/:deviceId"), operatorsAndAdmins())
        .handler(audited("crew.device.revoke", "device", "deviceId"))
        .handler(this::revoke);
  }

  /**
   * The crew member, if the caller may manage them: an admin any, an operator key its own. Another
   * operator's crew member and an unknown one get the same 403.
   */
  private Future<String> managed(RoutingContext ctx) {
    String crewId = ctx.pathParam("crewId");
    Caller caller = Authenticator.caller(ctx);
    return devices
        .operatorOf(crewId)
        .map(
            operator -> {
              boolean mine =
                  operator.isPresent()
                      && (caller instanceof Caller.Staff
                          || (caller instanceof Caller.OperatorKey k
                              && k.operatorId().equals(operator.get())));
              if (!mine) {
                throw ApiException.forbidden(
                    "There is no such crew member of yours: check the crew id.");
              }
              return operator.get();
            });
  }

  private void newCode(RoutingContext ctx) {
    String crewId = ctx.pathParam("crewId");
    managed(ctx)
        .compose(operatorId -> devices.newCode(crewId, operatorId))
        .onSuccess(
            code ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Content-Type", "application/json")
                    .end(
                        new JsonObject()
                            .put("code", code.code())
                            .put("expiresAt", Rfc3339.format(code.expiresAt(), zone))
                            .encode()))
        .onFailure(ctx::fail);
  }

  private void signIn(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx, Set.of("code", "deviceName"));
    Object code = body.getValue("code");
    Object name = body.getValue("deviceName");
    if (!(code instanceof String)) {
      throw ApiException.badRequest(
          "No sign-in code.", List.of(FieldProblem.at("code", "is required: the 8 digits")));
    }
    if (name != null && (!(name instanceof String n) || n.length() > 100)) {
      throw ApiException.badRequest(
          "Bad device name.",
          List.of(FieldProblem.at("deviceName", "must be text of at most 100 characters")));
    }
    devices
        .redeem((String) code, (String) name)
        .onSuccess(
            device -> {
              if (device.isEmpty()) {
                // The same answer for a used, expired, burnt or wrong code.
                ctx.fail(
                    ApiException.unauthorized(
                        "The sign-in code is not valid: codes work once, for 15 minutes. Ask"
                            + " the office for a new one."));
                return;
              }
              var d = device.get();
              Audit.recordAs(
                      ctx, "device:" + d.deviceId(), "crew.device.register", "crew", d.crewId())
                  .onSuccess(
                      v ->
                          ctx.response()
                              .setStatusCode(201)
                              .putHeader("Content-Type", "application/json")
                              .end(
                                  new JsonObject()
                                      .put("token", d.token())
                                      .put("deviceId", d.deviceId())
                                      .put("crewId", d.crewId())
                                      .put("operatorId", d.operatorId())
                                      .encode()))
                  .onFailure(ctx::fail);
            })
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    String crewId = ctx.pathParam("crewId");
    managed(ctx)
        .compose(operatorId -> devices.devices(crewId))
        .map(
            found -> {
              JsonArray items = new JsonArray();
              for (CrewDevices.Device d : found) {
                JsonObject j =
                    new JsonObject()
                        .put("deviceId", d.deviceId())
                        .put("crewId", d.crewId())
                        .put("createdAt", Rfc3339.format(d.createdAt(), zone))
                        .put("lastUsedAt", Rfc3339.format(d.lastUsedAt(), zone));
                if (d.name() != null) {
                  j.put("name", d.name());
                }
                if (d.revokedAt() != null) {
                  j.put("revokedAt", Rfc3339.format(d.revokedAt(), zone));
                }
                items.add(j);
              }
              return new JsonObject().put("items", items);
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    String crewId = ctx.pathParam("crewId");
    long deviceId;
    try {
      deviceId = Long.parseLong(ctx.pathParam("deviceId"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("There is no such device.");
    }
    managed(ctx)
        .compose(operatorId -> devices.revoke(crewId, deviceId))
        .onSuccess(
            revoked -> {
              if (!revoked) {
                ctx.fail(ApiException.notFound("There is no such device of that crew member."));
                return;
              }
              ctx.response().setStatusCode(204).end();
            })
        .onFailure(ctx::fail);
  }

  private void myRuns(RoutingContext ctx) {
    Caller.CrewDevice device = (Caller.CrewDevice) Authenticator.caller(ctx);
    LocalDate date = Params.date("date", ctx.queryParams().get("date"), time.today());
    runs.of(device.crewId(), device.operatorId(), date)
        .map(items -> new JsonObject().put("items", items))
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }
}
