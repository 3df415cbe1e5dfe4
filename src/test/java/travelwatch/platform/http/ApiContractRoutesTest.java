package travelwatch.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.support.TestServer;

/**
 * The API document and the router, compared both ways: every route the router serves is an
 * operation of {@code openapi.yaml} (as the server serves it), and every operation there is a route
 * the router serves. A route added without documenting it fails the build, and so does a documented
 * route that is gone.
 *
 * <p>What counts: a route for some methods at an exact path (the API under {@code /api/v1}, the
 * probes, {@code /metrics}, the document itself), with {@code :param} written {@code {param}}. A
 * route for every method is a filter that passes requests on (authentication, the text checks, a
 * role check, the failure handler); a route at a wildcard path serves static files (the
 * control-room page and its WebJars), which the document describes but does not list.
 */
@Timeout(120)
@DisplayName("The API document and the router's routes agree both ways")
class ApiContractRoutesTest {
  /** The wildcard routes: static files, for any GET path the routes before them did not take. */
  private static final Set<String> STATIC_FILES = Set.of("GET /*", "GET /webjars/*");

  /** A router path with :parameters: literal segments and {@code :name} segments. */
  private static final Pattern TEMPLATE = Pattern.compile("(/([A-Za-z0-9_.-]*|:[A-Za-z0-9_]+))+");

  private static final Set<String> OPERATION_KEYS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private static TestServer server;
  private static Served served;

  @BeforeAll
  static void start() {
    server = new TestServer();
    served = Served.by(server.server.router());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** What a router serves, sorted into operations, static-file mounts and routes of no kind. */
  private record Served(Set<String> operations, Set<String> staticFiles, List<String> unknown) {
    static Served by(Router router) {
      Served served = new Served(new TreeSet<>(), new TreeSet<>(), new ArrayList<>());
      served.collect(router, "");
      return served;
    }

    private void collect(Router router, String prefix) {
      for (Route route : router.getRoutes()) {
        // Vert.x matches a path with :parameters by a regular expression, named by the path.
        boolean template = route.isRegexPath() && TEMPLATE.matcher(route.getName()).matches();
        String path = template ? route.getName() : route.getPath();
        Set<HttpMethod> methods = route.methods() == null ? Set.of() : route.methods();
        if (route.isRegexPath() && !template) {
          unknown.add("a route by regular expression: " + route.getName());
        } else if (route.getSubRouter() != null) {
          collect(route.getSubRouter(), prefix + withoutTrailingSlash(path));
        } else if (methods.isEmpty()) {
          if (path != null && (template || route.isExactPath())) {
            unknown.add("a route for every method at " + prefix + path);
          }
          // Otherwise a filter: it answers only by failing, and the routes after it answer.
        } else {
          for (HttpMethod method : methods) {
            if (template || route.isExactPath()) {
              operations.add(method.name() + " " + openApiPath(prefix + path));
            } else {
              staticFiles.add(method.name() + " " + prefix + path + "*");
            }
          }
        }
      }
    }
  }

  private static String withoutTrailingSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** {@code /alerts/:id/resolve} as OpenAPI writes it, {@code /alerts/{id}/resolve}. */
  static String openApiPath(String routerPath) {
    return routerPath.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
  }

  /** Every operation of the document the server serves, as {@code METHOD /path}. */
  private static Set<String> documented() {
    HttpResponse<Buffer> response = server.get("/api/openapi.yaml", null);
    assertThat(response.statusCode()).isEqualTo(200);
    Map<?, ?> document;
    try {
      document = new ObjectMapper(new YAMLFactory()).readValue(response.bodyAsString(), Map.class);
    } catch (IOException e) {
      throw new AssertionError("openapi.yaml is not YAML", e);
    }
    Set<String> operations = new TreeSet<>();
    ((Map<?, ?>) document.get("paths"))
        .forEach(
            (path, item) ->
                ((Map<?, ?>) item)
                    .keySet()
                    .forEach(
                        key -> {
                          if (OPERATION_KEYS.contains(String.valueOf(key))) {
                            operations.add(
                                String.valueOf(key).toUpperCase(Locale.ROOT) + " " + path);
                          }
                        }));
    return operations;
  }

  private static Set<String> minus(Set<String> a, Set<String> b) {
    Set<String> left = new TreeSet<>(a);
    left.removeAll(b);
    return left;
  }

  @Test
  @DisplayName(
      "Every route the router serves, the sub-router's under /api/v1 included, is an operation"
          + " of openapi.yaml")
  void everyRouteIsDocumented() {
    assertThat(served.operations())
        .as("the routes include the sub-router's")
        .contains("POST /api/v1/events", "GET /api/v1/runs/{runId}", "GET /health/live");
    assertThat(minus(served.operations(), documented()))
        .as("routes the router serves that openapi.yaml does not document")
        .isEmpty();
  }

  @Test
  @DisplayName("Every operation of openapi.yaml is a route the router serves")
  void everyOperationIsServed() {
    assertThat(minus(documented(), served.operations()))
        .as("operations of openapi.yaml that no route serves")
        .isEmpty();
  }

  @Test
  @DisplayName(
      "Besides the documented routes there are only filters and the static files' two GET"
          + " mounts")
  void nothingElseIsServed() {
    assertThat(served.unknown()).as("routes of no known kind").isEmpty();
    assertThat(served.staticFiles()).isEqualTo(STATIC_FILES);
  }

  @Test
  @DisplayName("A router path's :parameters are written as OpenAPI's {parameters}")
  void pathParameters() {
    assertThat(openApiPath("/api/v1/alerts/:id/resolve")).isEqualTo("/api/v1/alerts/{id}/resolve");
    assertThat(openApiPath("/api/v1/pupils/:pupilId/today"))
        .isEqualTo("/api/v1/pupils/{pupilId}/today");
    assertThat(openApiPath("/metrics")).isEqualTo("/metrics");
  }
}
