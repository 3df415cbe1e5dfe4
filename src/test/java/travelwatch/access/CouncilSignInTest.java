package travelwatch.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.support.Contract;
import travelwatch.support.CouncilProvider;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

/**
 * Signing in with a council account, step by step over HTTP against a real OpenID Connect provider:
 * what a browser does, and what a browser cannot do (forged, expired, replayed and stolen
 * sign-ins), each refused at the callback with no session started.
 */
@Timeout(120)
@DisplayName("Signing in with a council account: the callback takes only a genuine, fresh sign-in")
class CouncilSignInTest {
  private static final String ROLE_MAP =
      "tw-controller=controller,tw-admin=admin,tw-school-SCH1=school:SCH1,tw-school-X=school:X";
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:00:00Z"));
  private static CouncilProvider provider;
  private static TestServer server;
  private static Vertx vertx;
  private static WebClient browser;

  @BeforeAll
  static void start() {
    provider = new CouncilProvider(false);
    Map<String, String> env = provider.settings(ROLE_MAP);
    env.put("TW_LOCAL_LOGIN", "false");
    server = new TestServer(env, clock);
    String admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    vertx = Vertx.vertx();
    // A client that, like a test's hand, follows no redirect by itself.
    browser = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
  }

  @AfterEach
  void honestProvider() {
    provider.rewriteIdTokens(UnaryOperator.identity());
  }

  @AfterAll
  static void stop() {
    browser.close();
    vertx.close().await();
    server.close();
    provider.close();
  }

  /** A sign-in started at TravelWatch: the cookie binding it, and where the provider is. */
  record Begun(String binding, URI authorize) {}

  private static Begun begin() {
    HttpResponse<Buffer> response = at("/auth/oidc/login").send().await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(302);
    String cookie =
        response.cookies().stream()
            .filter(c -> c.startsWith("tw_sign_in="))
            .findFirst()
            .orElseThrow();
    assertThat(cookie).containsIgnoringCase("HttpOnly").contains("SameSite=Lax", "Path=/auth/oidc");
    return new Begun(
        cookie.substring("tw_sign_in=".length(), cookie.indexOf(';')),
        URI.create(response.getHeader("Location")));
  }

  /** A GET of TravelWatch that follows no redirect. */
  private static io.vertx.ext.web.client.HttpRequest<Buffer> at(String path) {
    return browser.get(server.port, "localhost", path);
  }

  /** The provider's answer to the authorisation request: the callback URL with code and state. */
  private static URI atProvider(Begun begun) {
    HttpResponse<Buffer> response = browser.getAbs(begun.authorize().toString()).send().await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(302);
    URI back = URI.create(response.getHeader("Location"));
    assertThat(back.getPath()).isEqualTo("/auth/oidc/callback");
    return back;
  }

  private static HttpResponse<Buffer> callback(URI back, String binding) {
    var request = at(back.getRawPath() + "?" + back.getRawQuery());
    if (binding != null) {
      request.putHeader("Cookie", "tw_sign_in=" + binding);
    }
    return request.send().await();
  }

  private static String param(URI uri, String name) {
    for (String pair : uri.getRawQuery().split("&")) {
      if (pair.startsWith(name + "=")) {
        return java.net.URLDecoder.decode(
            pair.substring(name.length() + 1), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError("no " + name + " in " + uri);
  }

  private static void tokensFor(
      String subject, List<String> roles, List<String> audience, long exp) {
    provider.nextTokens(
        subject, Map.of("roles", roles, "email", subject + "@council.example"), audience, exp);
  }

  private static void assertRefused(HttpResponse<Buffer> response, String detail) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(401);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("detail")).contains(detail);
    assertThat(SessionLogin.sessionCookie(response)).isEmpty();
  }

  private static long sessionsOf(String subject) {
    return server
        .pool()
        .preparedQuery(
            "select count(*) from app_session s join app_user u on u.id = s.user_id"
                + " where u.oidc_subject = $1")
        .execute(Tuple.of(subject))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  @Test
  @DisplayName(
      "The authorisation request asks for a code with an S256 PKCE challenge, a state and a nonce")
  void authorisationRequestUsesPkce() {
    Begun begun = begin();
    assertThat(begun.authorize().toString()).startsWith(provider.issuer() + "/authorize");
    assertThat(param(begun.authorize(), "response_type")).isEqualTo("code");
    assertThat(param(begun.authorize(), "client_id")).isEqualTo(CouncilProvider.CLIENT_ID);
    assertThat(param(begun.authorize(), "code_challenge_method")).isEqualTo("S256");
    assertThat(param(begun.authorize(), "code_challenge")).matches("[A-Za-z0-9_-]{43}");
    assertThat(param(begun.authorize(), "state")).hasSizeGreaterThanOrEqualTo(43);
    assertThat(param(begun.authorize(), "nonce")).hasSizeGreaterThanOrEqualTo(43);
    assertThat(param(begun.authorize(), "scope")).contains("openid");
    assertThat(param(begun.authorize(), "redirect_uri"))
        .isEqualTo("http://localhost:" + server.port + "/auth/oidc/callback");
  }

  @Test
  @DisplayName(
      "A mapped role signs in to the same stored session a password gives: cookie, CSRF token,"
          + " the role; signing out ends it")
  void mappedRoleSignsIn() {
    String subject = "staff-" + UUID.randomUUID();
    tokensFor(
        subject, List.of("all-staff", "tw-controller"), List.of(CouncilProvider.CLIENT_ID), 3600);
    Begun begun = begin();
    HttpResponse<Buffer> done = callback(atProvider(begun), begun.binding());
    assertThat(done.statusCode()).as(done.bodyAsString()).isEqualTo(303);
    assertThat(done.getHeader("Location")).isEqualTo("/");
    assertThat(SessionLogin.setCookieLine(done).orElseThrow())
        .containsIgnoringCase("HttpOnly")
        .contains("SameSite=Strict", "Path=/");

    SessionLogin session =
        new SessionLogin(server, SessionLogin.sessionCookie(done).orElseThrow(), null);
    HttpResponse<Buffer> current = session.get("/api/v1/session");
    assertThat(current.statusCode()).isEqualTo(200);
    JsonObject body = current.bodyAsJsonObject();
    new Contract().assertValid("Session", body);
    assertThat(body.getString("email")).isEqualTo(subject + "@council.example");
    assertThat(body.getString("role")).isEqualTo("controller");
    assertThat(session.get("/api/v1/runs?date=" + TwoOperators.DATE).statusCode()).isEqualTo(200);
    assertThat(sessionsOf(subject)).isEqualTo(1);

    // Without the CSRF token the cookie changes nothing; with it, signing out ends the session.
    assertThat(session.logout(null).statusCode()).isEqualTo(403);
    assertThat(session.logout(body.getString("csrfToken")).statusCode()).isEqualTo(204);
    assertThat(session.get("/api/v1/session").statusCode()).isEqualTo(401);
    assertThat(sessionsOf(subject)).isZero();
  }

  private static HttpResponse<Buffer> signIn(UnaryOperator<String> idTokens) {
    provider.rewriteIdTokens(idTokens);
    Begun begun = begin();
    return callback(atProvider(begun), begun.binding());
  }

  @Test
  @DisplayName("A school's mapped group signs in as that school's staff")
  void schoolGroupSignsIn() {
    String subject = "office-" + UUID.randomUUID();
    tokensFor(subject, List.of("tw-school-SCH1"), List.of(CouncilProvider.CLIENT_ID), 3600);
    HttpResponse<Buffer> done = signIn(UnaryOperator.identity());
    assertThat(done.statusCode()).as(done.bodyAsString()).isEqualTo(303);
    SessionLogin session =
        new SessionLogin(server, SessionLogin.sessionCookie(done).orElseThrow(), null);
    JsonObject body = session.get("/api/v1/session").bodyAsJsonObject();
    assertThat(body.getString("role")).isEqualTo("school");
    assertThat(body.getString("schoolId")).isEqualTo("SCH1");
  }

  @Test
  @DisplayName("No mapped role, or a school not in the plan: no session, and the page that says so")
  void unmappedRoleHasNoAccess() {
    for (List<String> roles :
        List.<List<String>>of(List.of("all-staff"), List.of(), List.of("tw-school-X"))) {
      String subject = "stranger-" + UUID.randomUUID();
      tokensFor(subject, roles, List.of(CouncilProvider.CLIENT_ID), 3600);
      HttpResponse<Buffer> done = signIn(UnaryOperator.identity());
      assertThat(done.statusCode()).as(done.bodyAsString()).isEqualTo(303);
      assertThat(done.getHeader("Location")).isEqualTo("/no-access.html");
      assertThat(SessionLogin.sessionCookie(done)).hasValue("");
      assertThat(sessionsOf(subject)).isZero();
    }
    HttpResponse<Buffer> page = server.client.get("/no-access.html").send().await();
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString()).contains("You have no access to TravelWatch");
    assertThat(page.getHeader("Content-Security-Policy")).contains("script-src 'self'");
  }

  @Test
  @DisplayName(
      "An ID token for another application (its audience), signed by the provider, is refused")
  void wrongAudienceRefused() {
    // Signed anew as it was, the token still signs in: only the audience differs below.
    String subject = "aud-" + UUID.randomUUID();
    tokensFor(subject, List.of("tw-admin"), List.of(CouncilProvider.CLIENT_ID), 3600);
    HttpResponse<Buffer> genuine = signIn(jwt -> provider.resigned(jwt, claims -> claims));
    assertThat(genuine.statusCode()).as(genuine.bodyAsString()).isEqualTo(303);
    assertThat(sessionsOf(subject)).isEqualTo(1);

    String other = "aud-" + UUID.randomUUID();
    tokensFor(other, List.of("tw-admin"), List.of(CouncilProvider.CLIENT_ID), 3600);
    assertRefused(
        signIn(jwt -> provider.resigned(jwt, claims -> claims.put("aud", "another-application"))),
        "did not verify");
    assertThat(sessionsOf(other)).isZero();
  }

  @Test
  @DisplayName("An ID token whose signature is not the provider's is refused")
  void badSignatureRefused() {
    String subject = "forged-" + UUID.randomUUID();
    tokensFor(subject, List.of("tw-admin"), List.of(CouncilProvider.CLIENT_ID), 3600);
    assertRefused(signIn(CouncilProvider::badSignature), "did not verify");
    assertThat(sessionsOf(subject)).isZero();
  }

  @Test
  @DisplayName("An ID token signed by the provider but expired ten minutes ago is refused")
  void expiredIdTokenRefused() {
    String subject = "expired-" + UUID.randomUUID();
    tokensFor(subject, List.of("tw-admin"), List.of(CouncilProvider.CLIENT_ID), 3600);
    assertRefused(
        signIn(
            jwt ->
                provider.resigned(jwt, claims -> claims.put("exp", claims.getLong("iat") - 600))),
        "has expired");
    assertThat(sessionsOf(subject)).isZero();
  }

  @Test
  @DisplayName("Tokens issued already expired are refused")
  void expiredTokenRefused() {
    String subject = "late-" + UUID.randomUUID();
    tokensFor(subject, List.of("tw-admin"), List.of(CouncilProvider.CLIENT_ID), -3600);
    HttpResponse<Buffer> done = signIn(UnaryOperator.identity());
    assertThat(done.statusCode()).as(done.bodyAsString()).isEqualTo(401);
    assertThat(done.bodyAsJsonObject().getString("detail"))
        .containsAnyOf("has expired", "did not accept");
    assertThat(SessionLogin.sessionCookie(done)).isEmpty();
    assertThat(sessionsOf(subject)).isZero();
  }

  @Test
  @DisplayName("A state is good once: the same callback again is refused, and starts nothing")
  void replayedStateRefused() {
    String subject = "twice-" + UUID.randomUUID();
    tokensFor(subject, List.of("tw-controller"), List.of(CouncilProvider.CLIENT_ID), 3600);
    Begun begun = begin();
    URI back = atProvider(begun);
    assertThat(callback(back, begun.binding()).statusCode()).isEqualTo(303);
    assertThat(sessionsOf(subject)).isEqualTo(1);

    assertRefused(callback(back, begun.binding()), "unknown, already used or too old");
    assertThat(sessionsOf(subject)).isEqualTo(1);
  }

  @Test
  @DisplayName("A sign-in completed in another browser than the one that started it is refused")
  void otherBrowserRefused() {
    Begun begun = begin();
    URI back = atProvider(begun);
    assertRefused(callback(back, null), "started in another browser");
    // The state is spent: the right browser cannot use it afterwards either.
    assertRefused(callback(back, begun.binding()), "already used");
  }

  @Test
  @DisplayName(
      "PKCE: a code brought back with another sign-in's verifier gets no tokens from the provider,"
          + " and a state with no verifier here is refused before any token request")
  void codeWithoutItsVerifierRefused() {
    // A code stolen from one sign-in, brought back with another sign-in's state and cookie: the
    // verifier sent is that other sign-in's, which the provider refuses.
    Begun victim = begin();
    URI stolen = atProvider(victim);
    Begun attacker = begin();
    URI own = atProvider(attacker);
    URI forged =
        URI.create(
            "/auth/oidc/callback?code="
                + java.net.URLEncoder.encode(
                    param(stolen, "code"), java.nio.charset.StandardCharsets.UTF_8)
                + "&state="
                + java.net.URLEncoder.encode(
                    param(own, "state"), java.nio.charset.StandardCharsets.UTF_8));
    assertRefused(callback(forged, attacker.binding()), "did not accept this sign-in");

    // A state TravelWatch never issued has no verifier here: refused before any token request.
    URI unknown =
        URI.create(
            "/auth/oidc/callback?code="
                + java.net.URLEncoder.encode(
                    param(own, "code"), java.nio.charset.StandardCharsets.UTF_8)
                + "&state=never-issued");
    assertRefused(callback(unknown, attacker.binding()), "unknown");
  }

  @Test
  @DisplayName("A callback without code or state is a 400 naming each; the provider's error a 401")
  void malformedCallbackNamed() {
    HttpResponse<Buffer> bare = at("/auth/oidc/callback").send().await();
    assertThat(bare.statusCode()).isEqualTo(400);
    assertThat(bare.bodyAsJsonObject().getJsonArray("errors").encode())
        .contains("\"code\"", "\"state\"");
    HttpResponse<Buffer> denied =
        at("/auth/oidc/callback?error=access_denied&state=x").send().await();
    assertRefused(denied, "did not complete (access_denied)");
  }

  @Test
  @DisplayName(
      "With passwords switched off, a password login is refused and the page is told to offer"
          + " only the council's sign-in and its sign-out")
  void passwordsSwitchedOff() {
    SessionLogin.addUser(server, "local@council.example", Role.ADMIN, "correct horse battery");
    HttpResponse<Buffer> refused =
        SessionLogin.attempt(server, "local@council.example", "correct horse battery");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.bodyAsJsonObject().getString("detail")).contains("council account");
    assertThat(SessionLogin.sessionCookie(refused)).isEmpty();

    JsonObject options = server.get("/api/v1/sign-in", null).bodyAsJsonObject();
    new Contract().assertValid("SignInOptions", options);
    assertThat(options.getBoolean("passwords")).isFalse();
    assertThat(options.getString("councilSignIn")).isEqualTo("/auth/oidc/login");
    assertThat(options.getString("councilSignOut"))
        .startsWith(provider.issuer() + "/endsession")
        .contains("client_id=" + CouncilProvider.CLIENT_ID)
        .contains("post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A" + server.port + "%2F");
  }

  @Test
  @DisplayName("Sign-ins never completed are not kept: a new one sweeps those past ten minutes")
  void staleSignInsSwept() {
    begin();
    server
        .pool()
        .query("update oidc_sign_in set created_at = created_at - interval '11 minutes'")
        .execute()
        .await();
    begin();
    long left =
        server
            .pool()
            .query("select count(*) from oidc_sign_in")
            .execute()
            .await()
            .iterator()
            .next()
            .getLong(0);
    assertThat(left).isEqualTo(1);
  }
}
