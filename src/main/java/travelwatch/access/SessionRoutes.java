package travelwatch.access;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Audit.audited;
import static travelwatch.access.Rule.anyone;
import static travelwatch.access.Rule.session;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
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
 * {@code /api/v1/session}: control-room users log in with email and password ({@code POST}; refused
 * when passwords are switched off), read who they are and their CSRF token ({@code GET}), and log
 * out ({@code DELETE}), however they signed in. Failed logins slow the next tries of the account
 * and of the client's address ({@link LoginThrottles}): a try that must wait is a 429 with {@code
 * Retry-After}, the same whether the account exists or not.
 */
public final class SessionRoutes {
  private static final String BAD_LOGIN = "The email or password is not right.";

  private final Sessions sessions;
  private final boolean passwords;
  private final LoginThrottles throttles;

  /** {@code passwords}: false when staff may sign in only with their council account. */
  public SessionRoutes(Sessions sessions, boolean passwords, LoginThrottles throttles) {
    this.sessions = sessions;
    this.passwords = passwords;
    this.throttles = throttles;
  }

  /**
   * Logging in needs no credentials: mount this before the authenticator. Only JSON bodies are
   * taken, which a form on another site cannot send.
   */
  public void mountLogin(Router api) {
    allow(api.post("/session").consumes("application/json"), anyone())
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(this::login);
  }

  /** Reading and ending the session: after the authenticator, which finds the session. */
  public void mount(Router api) {
    allow(api.get("/session"), session()).handler(this::current);
    allow(api.delete("/session"), session())
        .handler(audited("session.sign-out", "session", null))
        .handler(this::logout);
  }

  private void login(RoutingContext ctx) {
    if (!passwords) {
      throw ApiException.forbidden(
          "Passwords are switched off here: sign in with your council account.");
    }
    JsonObject body = JsonBodies.object(ctx, Set.of("email", "password"));
    List<FieldProblem> problems = new ArrayList<>();
    String email = text(body, "email", problems);
    String password = text(body, "password", problems);
    if (!problems.isEmpty()) {
      throw ApiException.badRequest("Give an email and a password.", problems);
    }
    Cookie previous = ctx.request().getCookie(Sessions.COOKIE);
    String address = Authenticator.clientAddress(ctx);
    throttles
        .claim(email, address)
        .compose(
            claim -> {
              if (claim.waitFor().isPresent()) {
                return Future.failedFuture(LoginThrottles.tooSoon(claim.waitFor().get()));
              }
              return sessions
                  .end(previous == null ? null : previous.getValue())
                  .compose(v -> sessions.login(email, password))
                  .compose(
                      started ->
                          started.isPresent()
                              ? throttles.succeeded(email, address).map(started)
                              : throttles
                                  .failed(email, address, claim)
                                  .compose(
                                      locked ->
                                          locked
                                              ? Audit.recordAs(
                                                  ctx,
                                                  "user:" + email,
                                                  "session.lockout",
                                                  "user",
                                                  email)
                                              : Future.<Void>succeededFuture())
                                  .map(started));
            })
        .onSuccess(
            started -> {
              if (started.isEmpty()) {
                Audit.recordAs(ctx, "user:" + email, "session.sign-in-refused", "session", null)
                    .onComplete(r -> ctx.fail(ApiException.unauthorized(BAD_LOGIN)));
                return;
              }
              Audit.recordAs(ctx, "user:" + email, "session.sign-in", "session", null)
                  .onSuccess(
                      v -> {
                        ctx.response().addCookie(sessions.cookie(started.get().id()));
                        json(ctx, describe(started.get().session()));
                      })
                  .onFailure(ctx::fail);
            })
        .onFailure(ctx::fail);
  }

  private void current(RoutingContext ctx) {
    Sessions.Session session = sessionOf(ctx);
    json(ctx, describe(session));
  }

  private void logout(RoutingContext ctx) {
    Sessions.Session session = sessionOf(ctx);
    sessions
        .end(session)
        .onSuccess(v -> ctx.response().addCookie(sessions.removal()).setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static Sessions.Session sessionOf(RoutingContext ctx) {
    return Authenticator.session(ctx).orElseThrow(() -> Rule.session().refusal());
  }

  private static JsonObject describe(Sessions.Session session) {
    JsonObject json =
        new JsonObject()
            .put("email", session.email())
            .put("role", session.roleName())
            .put("csrfToken", session.csrfToken());
    if (session.schoolId() != null) {
      json.put("schoolId", session.schoolId());
    }
    return json;
  }

  private static String text(JsonObject body, String field, List<FieldProblem> problems) {
    Object value = body.getValue(field);
    if (!(value instanceof String s) || s.isEmpty() || s.length() > 1000) {
      problems.add(FieldProblem.at(field, "must be text of 1 to 1000 characters"));
      return null;
    }
    return s;
  }

  /** A session's answer is never cached: it holds the CSRF token. */
  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Cache-Control", "no-store");
    ctx.json(body);
  }
}
