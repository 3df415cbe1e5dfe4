package travelwatch.support;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * The council's identity provider in a test: a real OpenID Connect server (mock-oauth2-server:
 * discovery, keys, authorisation with PKCE, tokens, end-session) behind a pass-through proxy, which
 * is the issuer TravelWatch is configured with. The provider names itself after the Host header the
 * proxy passes on, so its tokens' issuer is the proxy's; the proxy can rewrite the ID token of a
 * token response, as a forger between the two would.
 */
public final class CouncilProvider implements AutoCloseable {
  public static final String ISSUER_ID = "council";
  public static final String CLIENT_ID = "travelwatch";
  public static final String CLIENT_SECRET = "a test client secret";

  private final MockOAuth2Server provider;
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client;
  private final HttpServer proxy;
  private final AtomicReference<UnaryOperator<String>> idTokens =
      new AtomicReference<>(UnaryOperator.identity());

  /** {@code interactive}: the provider shows its login form, where a person types claims. */
  public CouncilProvider(boolean interactive) {
    provider =
        new MockOAuth2Server(
            OAuth2Config.Companion.fromJson("{\"interactiveLogin\": " + interactive + "}"));
    provider.start();
    int providerPort = provider.baseUrl().port();
    client = vertx.createHttpClient();
    proxy =
        vertx
            .createHttpServer()
            .requestHandler(request -> forward(request, providerPort))
            .listen(0, "localhost")
            .await();
  }

  private void forward(HttpServerRequest in, int providerPort) {
    in.body()
        .compose(
            body ->
                client
                    .request(
                        // To the provider, named as the proxy (the Host header).
                        new RequestOptions()
                            .setMethod(in.method())
                            .setServer(SocketAddress.inetSocketAddress(providerPort, "localhost"))
                            .setHost("localhost")
                            .setPort(proxy.actualPort())
                            .setURI(in.uri())
                            .setHeaders(withoutHost(in.headers())))
                    .compose(out -> out.send(body)))
        .compose(response -> response.body().map(b -> answer(in, response, b)))
        .onFailure(e -> in.response().setStatusCode(502).end(String.valueOf(e)));
  }

  private static MultiMap withoutHost(MultiMap headers) {
    MultiMap copy = MultiMap.caseInsensitiveMultiMap().addAll(headers);
    copy.remove("Host");
    return copy;
  }

  private Future<Void> answer(HttpServerRequest in, HttpClientResponse response, Buffer body) {
    Buffer out = body;
    if (in.path().endsWith("/token") && response.statusCode() == 200) {
      JsonObject json = body.toJsonObject();
      if (json.containsKey("id_token")) {
        json.put("id_token", idTokens.get().apply(json.getString("id_token")));
      }
      out = json.toBuffer();
    }
    in.response().setStatusCode(response.statusCode());
    response
        .headers()
        .forEach(
            (name, value) -> {
              if (!name.equalsIgnoreCase("Content-Length")
                  && !name.equalsIgnoreCase("Transfer-Encoding")) {
                in.response().headers().add(name, value);
              }
            });
    return in.response().end(out);
  }

  /** The issuer TravelWatch is given: the proxy's address of the council's issuer. */
  public String issuer() {
    return "http://localhost:" + proxy.actualPort() + "/" + ISSUER_ID;
  }

  /** TravelWatch's settings for this provider, with this role map. */
  public Map<String, String> settings(String roleMap) {
    Map<String, String> env = new HashMap<>();
    env.put("TW_OIDC_ISSUER", issuer());
    env.put("TW_OIDC_CLIENT_ID", CLIENT_ID);
    env.put("TW_OIDC_CLIENT_SECRET", CLIENT_SECRET);
    env.put("TW_OIDC_ROLE_MAP", roleMap);
    return env;
  }

  /**
   * The claims, audience and lifetime of the next tokens issued without the login form; {@code
   * expirySeconds} below zero issues them already expired.
   */
  public void nextTokens(
      String subject, Map<String, Object> claims, List<String> audience, long expirySeconds) {
    provider.enqueueCallback(
        new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", audience, claims, expirySeconds));
  }

  /** Rewrites the ID token of every token response from now on (identity: leave them be). */
  public void rewriteIdTokens(UnaryOperator<String> rewrite) {
    idTokens.set(rewrite);
  }

  /** The token with one bit of its signature changed. */
  public static String badSignature(String jwt) {
    int dot = jwt.lastIndexOf('.');
    byte[] signature = Base64.getUrlDecoder().decode(jwt.substring(dot + 1));
    signature[signature.length / 2] ^= 1;
    return jwt.substring(0, dot + 1)
        + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
  }

  /**
   * The token's claims, changed, signed anew with the provider's own key: a genuine signature on
   * claims the provider would not have issued.
   */
  public String resigned(String jwt, UnaryOperator<JsonObject> change) {
    String payload = jwt.split("\\.")[1];
    JsonObject claims =
        change.apply(new JsonObject(Buffer.buffer(Base64.getUrlDecoder().decode(payload))));
    long lifetime = claims.getLong("exp") - claims.getLong("iat");
    return provider
        .getConfig()
        .getTokenProvider()
        .jwt(claims.getMap(), Duration.ofSeconds(lifetime), ISSUER_ID)
        .serialize();
  }

  /** The provider's token endpoint, through the proxy. */
  public String tokenEndpoint() {
    return issuer() + "/token";
  }

  @Override
  public void close() {
    vertx.close().await();
    provider.shutdown();
  }
}
