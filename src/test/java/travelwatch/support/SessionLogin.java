package travelwatch.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Optional;
import travelwatch.access.AccessStore;
import travelwatch.access.PasswordHasher;
import travelwatch.access.Role;

/**
 * A control-room user logged in over the API as the page does: the session cookie's value and the
 * CSRF token, to make requests as that user with or without the token.
 */
public record SessionLogin(TestServer server, String sessionId, String csrfToken) {

  /** Adds (or updates) a user with this role and password. */
  public static void addUser(TestServer server, String email, Role role, String password) {
    new AccessStore(server.pool())
        .putUser(email, role, PasswordHasher.hash(password.toCharArray()))
        .await();
  }

  public static HttpResponse<Buffer> attempt(TestServer server, String email, String password) {
    return server
        .client
        .post("/api/v1/session")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(new JsonObject().put("email", email).put("password", password).toBuffer())
        .await();
  }

  /** Logs in, which must succeed. */
  public static SessionLogin of(TestServer server, String email, String password) {
    HttpResponse<Buffer> response = attempt(server, email, password);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return new SessionLogin(
        server,
        sessionCookie(response).orElseThrow(),
        response.bodyAsJsonObject().getString("csrfToken"));
  }

  /** The full Set-Cookie line for the session cookie, if the response sets one. */
  public static Optional<String> setCookieLine(HttpResponse<Buffer> response) {
    return response.cookies().stream().filter(c -> c.startsWith("tw_session=")).findFirst();
  }

  /** The session cookie's value, if the response sets one. */
  public static Optional<String> sessionCookie(HttpResponse<Buffer> response) {
    return setCookieLine(response)
        .map(c -> c.substring("tw_session=".length()))
        .map(c -> c.contains(";") ? c.substring(0, c.indexOf(';')) : c);
  }

  /** A request with the session cookie and, if {@code token} is not null, that CSRF token. */
  public HttpRequest<Buffer> request(HttpMethod method, String path, String token) {
    HttpRequest<Buffer> request =
        server.client.request(method, path).putHeader("Cookie", "tw_session=" + sessionId);
    if (token != null) {
      request.putHeader("X-CSRF-Token", token);
    }
    return request;
  }

  public HttpResponse<Buffer> get(String path) {
    return request(HttpMethod.GET, path, null).send().await();
  }

  /** POSTs JSON with the session's CSRF token, as the page does. */
  public HttpResponse<Buffer> post(String path, JsonObject body) {
    return postWithToken(path, body, csrfToken);
  }

  public HttpResponse<Buffer> postWithToken(String path, JsonObject body, String token) {
    return request(HttpMethod.POST, path, token)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(body.toBuffer())
        .await();
  }

  public HttpResponse<Buffer> logout(String token) {
    return request(HttpMethod.DELETE, "/api/v1/session", token).send().await();
  }
}
