package travelwatch.access;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import travelwatch.config.SignInConfig.CouncilProvider;
import travelwatch.platform.http.ApiException;

/**
 * Staff signing in with the council's identity provider: the OpenID Connect authorisation-code flow
 * with PKCE. A sign-in starts here (a state, a PKCE verifier and a nonce kept in the database, the
 * state bound to the browser by a cookie) and ends at the callback, which takes the state once,
 * exchanges the code with the verifier, checks the ID token (signature, issuer, audience, expiry,
 * nonce), maps its role claim to a role here and starts the same stored session a password does.
 */
public final class CouncilSignIn {
  private static final Logger log = LoggerFactory.getLogger(CouncilSignIn.class);

  /** How long a person has at the provider before the sign-in must be started again. */
  static final Duration TO_COMPLETE = Duration.ofMinutes(10);

  /** Clock difference tolerated between the provider and this service. */
  private static final long LEEWAY_SECONDS = 60;

  private static final String AGAIN = "sign in again from the TravelWatch page.";

  /** How a completed sign-in ends: a session, or no role here. */
  public sealed interface Outcome {
    /** Signed in: the new session. */
    record SignedIn(Sessions.Started started) implements Outcome {}

    /** The account is the council's but has no role here (or its school is not in the plan). */
    record NoAccess() implements Outcome {}
  }

  /** A sign-in just started: the cookie value binding it to this browser, and where to go. */
  public record Started(String browserSecret, String authorizeUrl) {}

  private final Vertx vertx;
  private final AccessStore store;
  private final Sessions sessions;
  private final CouncilProvider provider;
  private final CouncilRoles roles;
  private final URI publicUrl;
  private final Clock clock;
  private final AtomicReference<Future<Discovered>> discovered = new AtomicReference<>();

  /** The provider as its discovery document describes it; {@code endSession} may be null. */
  private record Discovered(OAuth2Auth oauth, String endSession) {}

  /** {@code clock}: real time, which the provider's tokens are stamped with. */
  public CouncilSignIn(
      Vertx vertx,
      AccessStore store,
      Sessions sessions,
      CouncilProvider provider,
      URI publicUrl,
      Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.sessions = sessions;
    this.provider = provider;
    this.roles = new CouncilRoles(provider.roleMap());
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  /** Where the provider sends the browser back to: registered with the provider. */
  public String redirectUri() {
    return base() + CouncilSignInRoutes.CALLBACK;
  }

  private String base() {
    String url = publicUrl.toString();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * The provider, from its discovery document and keys, fetched at the first sign-in (so the
   * service starts while the provider is away) and again after a failure.
   */
  private Future<Discovered> provider() {
    Future<Discovered> known = discovered.get();
    if (known == null || known.failed()) {
      OAuth2Options options =
          new OAuth2Options()
              .setSite(provider.issuer().toString())
              .setClientId(provider.clientId())
              .setClientSecret(provider.clientSecret())
              .setValidateIssuer(true);
      known =
          OpenIDConnectAuth.discover(vertx, options)
              .map(
                  oauth -> {
                    // A token signed with a key not yet seen: the provider has rolled its keys.
                    oauth.missingKeyHandler(
                        kid ->
                            oauth
                                .jWKSet()
                                .onFailure(
                                    e ->
                                        log.warn(
                                            "The council's provider's keys cannot be read: {}",
                                            e.toString())));
                    // Discovery fills the options in, the end-session address among them.
                    return new Discovered(oauth, options.getLogoutPath());
                  })
              .onFailure(
                  e ->
                      log.warn(
                          "The council's sign-in provider {} cannot be reached: {}",
                          provider.issuer(),
                          e.toString()));
      discovered.set(known);
    }
    return known.recover(
        e ->
            Future.failedFuture(
                ApiException.unavailable(
                    "The council's sign-in service cannot be reached just now: try again in a"
                        + " minute.",
                    30)));
  }

  /** Starts a sign-in: kept for {@link #TO_COMPLETE}, good for one callback. */
  public Future<Started> start() {
    String state = Secrets.random();
    String verifier = Secrets.random();
    String nonce = Secrets.random();
    String browser = Secrets.random();
    Instant now = clock.instant();
    return provider()
        .map(Discovered::oauth)
        .compose(
            oauth ->
                store
                    .insertSignIn(
                        Secrets.sha256(state),
                        new AccessStore.PendingSignIn(Secrets.sha256(browser), verifier, nonce),
                        now,
                        now.minus(TO_COMPLETE))
                    .map(
                        v ->
                            new Started(
                                browser,
                                oauth.authorizeURL(
                                    new OAuth2AuthorizationURL()
                                        .setRedirectUri(redirectUri())
                                        .setScopes(List.of("openid", "profile", "email"))
                                        .setState(state)
                                        .setCodeChallenge(challenge(verifier))
                                        .setCodeChallengeMethod("S256")
                                        .putAdditionalParameter("nonce", nonce)))));
  }

  /** The PKCE challenge of a verifier: its SHA-256, URL-safe Base64 without padding. */
  static String challenge(String verifier) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.sha256(verifier));
  }

  /**
   * Completes the sign-in {@code state} names, in the browser that started it ({@code
   * browserSecret}, its cookie), with the provider's {@code code}. Fails with a 401 when anything
   * does not check out.
   */
  public Future<Outcome> complete(String state, String code, String browserSecret) {
    Instant now = clock.instant();
    return store
        .takeSignIn(Secrets.sha256(state), now.minus(TO_COMPLETE))
        .compose(
            found -> {
              if (found.isEmpty()) {
                throw refused("This sign-in is unknown, already used or too old: " + AGAIN);
              }
              AccessStore.PendingSignIn pending = found.get();
              if (browserSecret == null
                  || !MessageDigest.isEqual(pending.browserHash(), Secrets.sha256(browserSecret))) {
                throw refused("This sign-in was started in another browser: " + AGAIN);
              }
              return provider()
                  .compose(known -> exchange(known.oauth(), code, pending.codeVerifier()))
                  .map(user -> checkedIdToken(user, pending.nonce(), now))
                  .compose(this::admit);
            });
  }

  private Future<User> exchange(OAuth2Auth oauth, String code, String verifier) {
    return oauth
        .authenticate(
            new Oauth2Credentials()
                .setFlow(OAuth2FlowType.AUTH_CODE)
                .setCode(code)
                .setRedirectUri(redirectUri())
                .setCodeVerifier(verifier))
        .recover(
            e -> {
              log.warn("The council's sign-in provider refused a code: {}", e.getMessage());
              return Future.failedFuture(
                  refused("The council's sign-in service did not accept this sign-in: " + AGAIN));
            });
  }

  /**
   * The ID token's claims, once they check out: Vert.x has verified its signature against the
   * provider's keys (and left it out if that failed, or if its issuer or audience was wrong); the
   * rest is checked here.
   */
  private JsonObject checkedIdToken(User user, String nonce, Instant now) {
    JsonObject id = user.attributes().getJsonObject("idToken");
    if (id == null) {
      throw refused(
          "The council's ID token did not verify (its signature, issuer or audience is not"
              + " right): "
              + AGAIN);
    }
    if (!audiences(id).contains(provider.clientId())) {
      throw refused("The council's ID token is not for TravelWatch (its audience): " + AGAIN);
    }
    if (!provider.issuer().toString().equals(withoutSlash(id.getString("iss", "")))) {
      throw refused("The council's ID token is from another issuer: " + AGAIN);
    }
    Object exp = id.getValue("exp");
    if (!(exp instanceof Number n) || n.longValue() + LEEWAY_SECONDS <= now.getEpochSecond()) {
      throw refused("The council's ID token has expired: " + AGAIN);
    }
    if (!Secrets.same(nonce, id.getString("nonce"))) {
      throw refused("The council's ID token is not for this sign-in (its nonce): " + AGAIN);
    }
    String subject = id.getString("sub");
    if (subject == null || subject.isBlank()) {
      throw refused("The council's ID token names no one: " + AGAIN);
    }
    return id;
  }

  private static List<Object> audiences(JsonObject id) {
    Object aud = id.getValue("aud");
    if (aud instanceof JsonArray array) {
      return array.getList();
    }
    return aud == null ? List.of() : List.of(aud);
  }

  private static String withoutSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** The account's role here from its claims; the user added or updated, and a session started. */
  private Future<Outcome> admit(JsonObject id) {
    String subject = id.getString("sub");
    Optional<CouncilRoles.Grant> grant = roles.decide(claimValues(id, provider.roleClaim()));
    if (grant.isEmpty()) {
      log.info(
          "A council account signed in with no role mapped from its '{}' claim: no access",
          provider.roleClaim());
      return Future.succeededFuture(new Outcome.NoAccess());
    }
    Role role = grant.get() instanceof CouncilRoles.Grant.Staff staff ? staff.role() : null;
    String schoolId =
        grant.get() instanceof CouncilRoles.Grant.School school ? school.schoolId() : null;
    Future<Boolean> known =
        schoolId == null ? Future.succeededFuture(true) : store.schoolExists(schoolId);
    return known.compose(
        exists -> {
          if (!exists) {
            log.warn(
                "A council account is mapped to school {}, which is not in the plan", schoolId);
            return Future.succeededFuture(new Outcome.NoAccess());
          }
          return store
              .putCouncilUser(provider.issuer().toString(), subject, name(id), role, schoolId)
              .compose(
                  user -> {
                    if (user.isEmpty()) {
                      log.warn("A council account's email is another council account's: no access");
                      return Future.succeededFuture(new Outcome.NoAccess());
                    }
                    if (user.get().disabled()) {
                      log.warn("A disabled user's council account signed in: no access");
                      return Future.succeededFuture(new Outcome.NoAccess());
                    }
                    return sessions.start(user.get()).map(Outcome.SignedIn::new);
                  });
        });
  }

  /** The name the account is shown and recorded by: its email where the provider gives one. */
  private static String name(JsonObject id) {
    for (String claim : new String[] {"email", "preferred_username", "upn"}) {
      String value = id.getString(claim);
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return id.getString("sub");
  }

  /**
   * The values of a claim: an array of texts, or one text; {@code a.b} reaches into an object
   * ({@code realm_access.roles}).
   */
  static List<String> claimValues(JsonObject claims, String claim) {
    Object value = claims;
    for (String part : claim.split("\\.")) {
      value = value instanceof JsonObject object ? object.getValue(part) : null;
    }
    List<String> values = new ArrayList<>();
    if (value instanceof JsonArray array) {
      array.forEach(v -> values.add(String.valueOf(v)));
    } else if (value instanceof String text) {
      values.add(text);
    }
    return values;
  }

  /**
   * The provider's end-session address, which signs the person out there too and sends them back to
   * the page; empty when the provider has none or cannot be reached.
   */
  public Future<Optional<String>> signOutUrl() {
    return provider()
        .map(
            known -> {
              String endSession = known.endSession();
              if (endSession == null || endSession.isBlank()) {
                return Optional.<String>empty();
              }
              return Optional.of(
                  endSession
                      + (endSession.contains("?") ? "&" : "?")
                      + "client_id="
                      + encode(provider.clientId())
                      + "&post_logout_redirect_uri="
                      + encode(base() + "/"));
            })
        .otherwise(Optional.empty());
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static ApiException refused(String detail) {
    return ApiException.unauthorized(detail);
  }
}
