package travelwatch.access;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Role.ADMIN;
import static travelwatch.access.Rule.role;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.JsonBodies;

/**
 * {@code /api/v1/users} (admin): adds a user, or changes an existing one, as {@code users add} does
 * ({@code POST}): control-room staff with a role, or a school's staff with the role {@code school}
 * and their {@code schoolId}; lists the users with any lock on their account ({@code GET}); changes
 * one's role, password or whether they are disabled ({@code PATCH}), which ends their other
 * sessions; disables one ({@code DELETE}), which ends them all. Passwords are hashed on a worker
 * thread (it is deliberately slow).
 */
public final class UserRoutes {
  /** As long as {@code users add} asks for. */
  public static final int MIN_PASSWORD = 10;

  private static final String ROLES = "viewer, controller, manager, admin or school";

  private final AccessStore store;
  private final Clock clock;
  private final ZoneId zone;

  /** {@code clock} stamps disabling and reads which locks are still on. */
  public UserRoutes(AccessStore store, Clock clock, ZoneId zone) {
    this.store = store;
    this.clock = clock;
    this.zone = zone;
  }

  public void mount(Router api) {
    allow(api.post("/users").consumes("application/json"), role(ADMIN))
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(this::put);
    allow(api.get("/users"), role(ADMIN)).handler(this::list);
    allow(api.patch("/users/:email").consumes("application/json"), role(ADMIN))
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(Audit.audited("user.change", "user", "email"))
        .handler(this::change);
    allow(api.delete("/users/:email"), role(ADMIN))
        .handler(Audit.audited("user.disable", "user", "email"))
        .handler(this::disable);
  }

  /** A role as asked for: a staff role, or the school role with its school. */
  private record Asked(Role staff, String schoolId) {
    String wireName() {
      return staff == null ? AccessStore.SCHOOL_ROLE : staff.wireName();
    }
  }

  /**
   * Reads {@code role} and {@code schoolId}; null (with the problems noted) when they are wrong.
   */
  private static Asked asked(JsonObject body, List<FieldProblem> problems) {
    Object roleName = body.getValue("role");
    Object schoolId = body.getValue("schoolId");
    boolean school = AccessStore.SCHOOL_ROLE.equals(roleName);
    Role role = null;
    if (!school) {
      try {
        role = Role.parse(String.valueOf(roleName));
      } catch (IllegalArgumentException e) {
        problems.add(FieldProblem.at("role", "must be " + ROLES));
      }
    }
    if (school && !(schoolId instanceof String)) {
      problems.add(FieldProblem.at("schoolId", "is required for the school role: the school's id"));
      return null;
    } else if (!school && schoolId != null) {
      problems.add(FieldProblem.at("schoolId", "is only for the school role"));
      return null;
    }
    return school || role != null ? new Asked(role, (String) schoolId) : null;
  }

  /** Reads {@code password}; null (with the problem noted) when it is too short or too long. */
  private static String password(JsonObject body, List<FieldProblem> problems) {
    Object password = body.getValue("password");
    if (!(password instanceof String p) || p.length() < MIN_PASSWORD || p.length() > 1000) {
      problems.add(
          FieldProblem.at(
              "password", "must be " + MIN_PASSWORD + " to 1000 characters: tell the user it"));
      return null;
    }
    return p;
  }

  private static Future<String> hash(RoutingContext ctx, String password) {
    return password == null
        ? Future.succeededFuture(null)
        : ctx.vertx().executeBlocking(() -> PasswordHasher.hash(password.toCharArray()), false);
  }

  private void put(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx, Set.of("email", "role", "schoolId", "password"));
    List<FieldProblem> problems = new ArrayList<>();
    Object email = body.getValue("email");
    if (!(email instanceof String e) || e.length() > 254 || !e.matches("[^@\\s]+@[^@\\s]+")) {
      problems.add(FieldProblem.at("email", "must be an email address like duty@council.gov.uk"));
    }
    Asked asked = asked(body, problems);
    String password = password(body, problems);
    if (!problems.isEmpty()) {
      throw ApiException.badRequest("The user cannot be added.", problems);
    }
    hash(ctx, password)
        .compose(
            hash ->
                asked.staff() == null
                    ? store.putSchoolUser((String) email, asked.schoolId(), hash)
                    : store.putUser((String) email, asked.staff(), hash))
        .compose(id -> Audit.record(ctx, "user.add", "user", (String) email, null))
        .compose(
            id -> {
              JsonObject answer =
                  new JsonObject().put("email", email).put("role", asked.wireName());
              if (asked.schoolId() != null) {
                answer.put("schoolId", asked.schoolId());
              }
              ctx.response()
                  .setStatusCode(201)
                  .putHeader("Content-Type", "application/json")
                  .end(answer.encode());
              return Future.succeededFuture();
            })
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    store
        .users(null, clock.instant())
        .map(
            users -> {
              JsonArray items = new JsonArray();
              users.forEach(u -> items.add(u.toJson(zone)));
              return new JsonObject().put("items", items);
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private void change(RoutingContext ctx) {
    String email = ctx.pathParam("email");
    JsonObject body = JsonBodies.object(ctx, Set.of("role", "schoolId", "password", "disabled"));
    List<FieldProblem> problems = new ArrayList<>();
    if (!body.containsKey("role")
        && !body.containsKey("password")
        && !body.containsKey("disabled")) {
      problems.add(FieldProblem.at("role", "give at least one of role, password and disabled"));
    }
    Asked asked =
        body.containsKey("role") || body.containsKey("schoolId") ? asked(body, problems) : null;
    String password = body.containsKey("password") ? password(body, problems) : null;
    Object disabled = body.getValue("disabled");
    if (body.containsKey("disabled") && !(disabled instanceof Boolean)) {
      problems.add(FieldProblem.at("disabled", "must be true or false"));
    }
    if (!problems.isEmpty()) {
      throw ApiException.badRequest("The user cannot be changed.", problems);
    }
    // Changing one's own password or role keeps the session it is done from.
    byte[] keep =
        Authenticator.session(ctx)
            .filter(s -> s.email().equals(email))
            .map(Sessions.Session::idHash)
            .orElse(null);
    hash(ctx, password)
        .compose(
            hash ->
                store.changeUser(
                    email,
                    new AccessStore.UserChange(
                        asked == null ? null : asked.wireName(),
                        asked == null ? null : asked.schoolId(),
                        hash,
                        (Boolean) disabled),
                    keep,
                    clock.instant()))
        .map(changed -> changed.orElseThrow(() -> noSuchUser(email)).toJson(zone))
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private void disable(RoutingContext ctx) {
    String email = ctx.pathParam("email");
    store
        .changeUser(
            email, new AccessStore.UserChange(null, null, null, true), null, clock.instant())
        .onSuccess(
            changed -> {
              if (changed.isEmpty()) {
                ctx.fail(noSuchUser(email));
              } else {
                ctx.response().setStatusCode(204).end();
              }
            })
        .onFailure(ctx::fail);
  }

  private static ApiException noSuchUser(String email) {
    return ApiException.notFound("There is no user '" + email + "'.");
  }
}
