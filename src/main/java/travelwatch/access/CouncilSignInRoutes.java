package travelwatch.access;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Rule.anyone;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import travelwatch.config.SessionConfig;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;

/**
 * Signing in with a council account: {@code GET /auth/oidc/login} sends the browser to the
 * council's provider, {@code GET /auth/oidc/callback} is where it comes back, and {@code GET
 * /api/v1/sign-in} tells the page which ways in there are. Without a provider configured the first
 * two answer 404.
 */
public final class CouncilSignInRoutes {
  public static final String LOGIN = "/auth/oidc/login";
  public static final String CALLBACK = "/auth/oidc/callback";

  /** Where an account without a role here lands: a page that says so. */
  public static final String NO_ACCESS_PAGE = "/no-access.html";

  /** Binds a sign-in to the browser that started it; sent back on the provider's redirect. */
  static final String COOKIE = "tw_sign_in";

  private static final int MAX_PARAM = 4096;

  private final Optional<CouncilSignIn> council;
  private final Sessions sessions;
  private final SessionConfig config;
  private final boolean passwords;

  public CouncilSignInRoutes(
      Optional<CouncilSignIn> council, Sessions sessions, SessionConfig config, boolean passwords) {
    this.council = council;
    this.sessions = sessions;
    this.config = config;
    this.passwords = passwords;
  }

  /** The two steps of the provider's flow, beside the page (no API key or session needed). */
  public void mount(Router router) {
    allow(router.get(LOGIN), anyone()).handler(this::login);
    allow(router.get(CALLBACK), anyone()).handler(this::callback);
  }

  /** What the login form offers: before the authenticator, as nobody is signed in yet. */
  public void mountOptions(Router api) {
    allow(api.get("/sign-in"), anyone()).handler(this::options);
  }

  private CouncilSignIn council() {
    return council.orElseThrow(
        () -> ApiException.notFound("Signing in with a council account is not set up here."));
  }

  private void login(RoutingContext ctx) {
    council()
        .start()
        .onSuccess(
            started ->
                ctx.response()
                    .addCookie(bindingCookie(started.browserSecret()).setMaxAge(600))
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("Location", started.authorizeUrl())
                    .setStatusCode(302)
                    .end())
        .onFailure(ctx::fail);
  }

  private void callback(RoutingContext ctx) {
    CouncilSignIn signIn = council();
    String error = ctx.request().getParam("error");
    if (error != null) {
      throw ApiException.unauthorized(
          "The council's sign-in did not complete ("
              + (error.matches("[a-z_]{1,64}") ? error : "an error")
              + "): sign in again from the TravelWatch page.");
    }
    List<FieldProblem> problems = new ArrayList<>();
    String code = param(ctx, "code", problems);
    String state = param(ctx, "state", problems);
    if (!problems.isEmpty()) {
      throw ApiException.badRequest(
          "The council's sign-in came back without a code and state.", problems);
    }
    Cookie binding = ctx.request().getCookie(COOKIE);
    Cookie previous = ctx.request().getCookie(Sessions.COOKIE);
    signIn
        .complete(state, code, binding == null ? null : binding.getValue())
        .compose(
            outcome ->
                sessions.end(previous == null ? null : previous.getValue()).map(v -> outcome))
        .compose(
            outcome ->
                (outcome instanceof CouncilSignIn.Outcome.SignedIn signedIn
                        ? Audit.recordAs(
                            ctx,
                            "user:" + signedIn.started().session().email(),
                            "session.sign-in",
                            "session",
                            "council")
                        : Audit.recordAs(
                            ctx, "anonymous", "session.sign-in-refused", "session", "council"))
                    .map(outcome))
        .onSuccess(
            outcome -> {
              ctx.response()
                  .addCookie(bindingCookie("").setMaxAge(0))
                  .putHeader("Cache-Control", "no-store");
              String next = "/";
              if (outcome instanceof CouncilSignIn.Outcome.SignedIn signedIn) {
                ctx.response().addCookie(sessions.cookie(signedIn.started().id()));
              } else {
                ctx.response().addCookie(sessions.removal());
                next = NO_ACCESS_PAGE;
              }
              ctx.response().putHeader("Location", next).setStatusCode(303).end();
            })
        .onFailure(ctx::fail);
  }

  private static String param(RoutingContext ctx, String name, List<FieldProblem> problems) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isEmpty() || value.length() > MAX_PARAM) {
      problems.add(FieldProblem.at(name, "must be given, up to " + MAX_PARAM + " characters"));
      return null;
    }
    return value;
  }

  /**
   * Lax, unlike the session cookie: it must come back on the provider's redirect, a top-level
   * navigation from another site. Only the callback's path sees it.
   */
  private Cookie bindingCookie(String value) {
    return Cookie.cookie(COOKIE, value)
        .setPath("/auth/oidc")
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.LAX)
        .setSecure(config.secureCookies());
  }

  private void options(RoutingContext ctx) {
    JsonObject body = new JsonObject().put("passwords", passwords);
    Future<Optional<String>> signOut =
        council.map(CouncilSignIn::signOutUrl).orElse(Future.succeededFuture(Optional.empty()));
    signOut
        .onSuccess(
            url -> {
              if (council.isPresent()) {
                body.put("councilSignIn", LOGIN);
                url.ifPresent(u -> body.put("councilSignOut", u));
              }
              ctx.response().putHeader("Cache-Control", "no-store");
              ctx.json(body);
            })
        .onFailure(ctx::fail);
  }
}
