package travelwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static travelwatch.support.JarProcess.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import travelwatch.support.CouncilProvider;
import travelwatch.support.JarProcess;
import travelwatch.support.TestServer;

/**
 * The trust chain as a council runs it, against the jar: a controller signs in with the council's
 * identity provider, looks up a pupil, the audit trail (API and command line) names them, and the
 * retention job runs its pass and keeps what is young.
 */
@Timeout(300)
@DisplayName("travelwatch.jar: council sign-in, a pupil lookup, its audit record and retention")
class TrustChainIT {
  private static final String SUBJECT = "duty-controller";
  private static final String EMAIL = "duty.controller@council.example";

  @TempDir static Path dir;
  private static JarProcess serve;
  private static CouncilProvider provider;
  private static Map<String, String> env;
  private static Vertx vertx;
  private static WebClient http;

  @BeforeAll
  static void startServe() {
    provider = new CouncilProvider(false);
    int port = TestServer.freePort();
    env = new HashMap<>(provider.settings("tw-controller=controller"));
    env.put("TW_HTTP_PORT", String.valueOf(port));
    env.put("TW_DATA_DIR", dir.resolve("data").toString());
    env.put("TW_PUBLIC_URL", "http://localhost:" + port);
    vertx = Vertx.vertx();
    http =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setDefaultPort(port)
                .setDefaultHost("localhost")
                .setFollowRedirects(false));
    serve = JarProcess.start(env, dir, "serve");
    await("serve to be ready", Duration.ofSeconds(90), () -> status("/health/ready") == 200);
  }

  @AfterAll
  static void stopServe() throws Exception {
    if (serve != null) {
      serve.close();
    }
    http.close();
    vertx.close().await();
    provider.close();
  }

  private static int status(String path) {
    try {
      return http.get(path).send().await().statusCode();
    } catch (Exception e) { // not listening yet
      return -1;
    }
  }

  @Test
  @DisplayName(
      "Signed in with a council account, a controller's pupil lookup is in the audit trail (API"
          + " and audit export); the retention pass runs and keeps it")
  void signInLookUpAuditRetain() throws Exception {
    LocalDate today = LocalDate.now(ZoneId.of("Europe/London"));
    JarProcess admin = JarProcess.run(env, dir, null, "keys", "create", "--scope", "admin");
    assertThat(admin.exitCode()).as(admin.stderr()).isZero();
    String key = admin.stdout().trim();
    JarProcess generated =
        JarProcess.run(
            env,
            dir,
            null,
            "plan",
            "generate",
            "--routes",
            "3",
            "--date",
            today.toString(),
            "--out",
            "plan.json");
    assertThat(generated.exitCode()).as(generated.stderr()).isZero();
    String document = Files.readString(dir.resolve("plan.json"));
    HttpResponse<Buffer> imported =
        http.post("/api/v1/plan")
            .putHeader("Authorization", "Bearer " + key)
            .putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(document))
            .await();
    assertThat(imported.statusCode()).as(imported.bodyAsString()).isEqualTo(200);
    String pupil = new JsonObject(document).getJsonArray("pupils").getJsonObject(0).getString("id");

    // Sign in: TravelWatch → the council's provider → back, as a browser follows the redirects.
    provider.nextTokens(
        SUBJECT,
        Map.of("roles", List.of("tw-controller"), "email", EMAIL),
        List.of(CouncilProvider.CLIENT_ID),
        3600);
    HttpResponse<Buffer> begun = http.get("/auth/oidc/login").send().await();
    assertThat(begun.statusCode()).as(begun.bodyAsString()).isEqualTo(302);
    String binding = cookie(begun, "tw_sign_in");
    HttpResponse<Buffer> atProvider =
        WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false))
            .getAbs(begun.getHeader("Location"))
            .send()
            .await();
    assertThat(atProvider.statusCode()).as(atProvider.bodyAsString()).isEqualTo(302);
    URI back = URI.create(atProvider.getHeader("Location"));
    HttpResponse<Buffer> landed =
        http.get(back.getRawPath() + "?" + back.getRawQuery())
            .putHeader("Cookie", "tw_sign_in=" + binding)
            .send()
            .await();
    assertThat(landed.statusCode()).as(landed.bodyAsString()).isEqualTo(303);
    assertThat(landed.getHeader("Location")).isEqualTo("/");
    String session = cookie(landed, "tw_session");

    HttpResponse<Buffer> who =
        http.get("/api/v1/session").putHeader("Cookie", "tw_session=" + session).send().await();
    assertThat(who.bodyAsJsonObject().getString("role")).isEqualTo("controller");
    HttpResponse<Buffer> lookup =
        http.get("/api/v1/pupils/" + pupil + "/today")
            .putHeader("Cookie", "tw_session=" + session)
            .send()
            .await();
    assertThat(lookup.statusCode()).as(lookup.bodyAsString()).isEqualTo(200);

    JsonArray trail =
        http.get("/api/v1/audit?actor=user:" + EMAIL)
            .putHeader("Authorization", "Bearer " + key)
            .send()
            .await()
            .bodyAsJsonObject()
            .getJsonArray("items");
    assertThat(trail.stream().map(o -> ((JsonObject) o).getString("action")))
        .containsExactly("pupil.lookup", "session.sign-in");
    assertThat(trail.getJsonObject(0).getString("pupilId")).isEqualTo(pupil);
    assertThat(trail.getJsonObject(0).getString("address")).isEqualTo("127.0.0.1");

    JarProcess export =
        JarProcess.run(
            env,
            dir,
            null,
            "audit",
            "export",
            "--from",
            today.toString(),
            "--to",
            today.toString(),
            "--pupil",
            pupil);
    assertThat(export.exitCode()).as(export.stderr()).isZero();
    assertThat(export.stdout().lines())
        .first()
        .isEqualTo("id,at,actor,address,action,objectType,objectId,pupilId");
    assertThat(export.stdout())
        .contains(",user:" + EMAIL + ",127.0.0.1,pupil.lookup,pupil," + pupil + "," + pupil);

    // The retention job's pass of the day ran at start, once, and kept what is young.
    await(
        "the retention pass",
        Duration.ofSeconds(30),
        () -> serve.stdout().contains("Retention pass of " + today));
    JsonObject jobs =
        http.get("/health/ready").send().await().bodyAsJsonObject().getJsonObject("jobs");
    assertThat(jobs.getJsonObject("retention").getString("status")).isEqualTo("OK");
    assertThat(
            http.get("/api/v1/audit?action=pupil.lookup&pupilId=" + pupil)
                .putHeader("Authorization", "Bearer " + key)
                .send()
                .await()
                .bodyAsJsonObject()
                .getJsonArray("items"))
        .hasSize(1);
  }

  private static String cookie(HttpResponse<Buffer> response, String name) {
    return response.cookies().stream()
        .filter(c -> c.startsWith(name + "="))
        .map(c -> c.substring(name.length() + 1, c.indexOf(';')))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " cookie: " + response.cookies()));
  }
}
