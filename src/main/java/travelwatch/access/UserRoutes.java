package travelwatch.access;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Role.ADMIN;
import static travelwatch.access.Rule.role;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.JsonBodies;

/**
 * {@code POST /api/v1/users} (admin): adds a user, or changes an existing one, as {@code users add}
 * does: control-room staff with a role, or a school's staff with the role {@code school} and their
 * {@code schoolId}. The password is hashed on a worker thread (it is deliberately slow).
 */
public final class UserRoutes {
  /** As long as {@code users add} asks for. */
  public static final int MIN_PASSWORD = 10;

  private static final String ROLES = "viewer, controller, manager, admin or school";

  private final AccessStore store;

  public UserRoutes(AccessStore store) {
    this.store = store;
  }

  public void mount(Router api) {
    allow(api.post("/users").consumes("application/json"), role(ADMIN))
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(this::put);
  }

  private void put(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx, Set.of("email", "role", "schoolId", "password"));
    List<FieldProblem> problems = new ArrayList<>();
    Object email = body.getValue("email");
    if (!(email instanceof String e) || e.length() > 254 || !e.matches("[^@\\s]+@[^@\\s]+")) {
      problems.add(FieldProblem.at("email", "must be an email address like duty@council.gov.uk"));
    }
    Object roleName = body.getValue("role");
    Role role = null;
    boolean school = AccessStore.SCHOOL_ROLE.equals(roleName);
    if (!school) {
      try {
        role = Role.parse(String.valueOf(roleName));
      } catch (IllegalArgumentException e) {
        problems.add(FieldProblem.at("role", "must be " + ROLES));
      }
    }
    Object schoolId = body.getValue("schoolId");
    if (school && !(schoolId instanceof String)) {
      problems.add(FieldProblem.at("schoolId", "is required for the school role: the school's id"));
    } else if (!school && schoolId != null) {
      problems.add(FieldProblem.at("schoolId", "is only for the school role"));
    }
    Object password = body.getValue("password");
    if (!(password instanceof String p) || p.length() < MIN_PASSWORD || p.length() > 1000) {
      problems.add(
          FieldProblem.at(
              "password", "must be " + MIN_PASSWORD + " to 1000 characters: tell the user it"));
    }
    if (!problems.isEmpty()) {
      throw ApiException.badRequest("The user cannot be added.", problems);
    }
    Role staffRole = role;
    ctx.vertx()
        .executeBlocking(() -> PasswordHasher.hash(((String) password).toCharArray()), false)
        .compose(
            hash ->
                school
                    ? store.putSchoolUser((String) email, (String) schoolId, hash)
                    : store.putUser((String) email, staffRole, hash))
        .compose(id -> Audit.record(ctx, "user.add", "user", (String) email, null))
        .compose(
            id -> {
              JsonObject answer =
                  new JsonObject()
                      .put("email", email)
                      .put("role", school ? AccessStore.SCHOOL_ROLE : staffRole.wireName());
              if (school) {
                answer.put("schoolId", schoolId);
              }
              ctx.response()
                  .setStatusCode(201)
                  .putHeader("Content-Type", "application/json")
                  .end(answer.encode());
              return Future.succeededFuture();
            })
        .onFailure(ctx::fail);
  }
}
