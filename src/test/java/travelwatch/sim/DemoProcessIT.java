package travelwatch.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static travelwatch.support.JarProcess.await;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import travelwatch.support.JarProcess;
import travelwatch.support.TestServer;

@Timeout(240)
@DisplayName("travelwatch demo from the jar: a live school day in one command")
class DemoProcessIT {

  @Test
  @DisplayName(
      "demo serves the page, raises alerts within a minute, and Ctrl-C stops it and its PostgreSQL")
  void demo(@TempDir Path dir) throws Exception {
    int port = TestServer.freePort();
    Vertx vertx = Vertx.vertx();
    WebClient http =
        WebClient.create(
            vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(port));
    JarProcess demo =
        JarProcess.start(
            Map.of("TW_HTTP_PORT", String.valueOf(port)),
            dir,
            "demo",
            "--data-dir",
            dir.resolve("data").toString(),
            "--routes",
            "200");
    try {
      await(
          "the demo banner",
          Duration.ofSeconds(120),
          () -> demo.stdout().contains("Viewer API key: "));
      String out = demo.stdout();
      assertThat(out)
          .contains(
              "Control room:  http://localhost:" + port + "/",
              "admin@demo.travelwatch",
              "Admin API key: tw_");
      Matcher key = Pattern.compile("Viewer API key: (tw_\\S+)").matcher(out);
      assertThat(key.find()).isTrue();
      String viewer = key.group(1);

      var page = http.get("/").send().await();
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.bodyAsString()).contains("TravelWatch");

      long bannerAt = System.nanoTime();
      await(
          "an alert within a minute",
          Duration.ofSeconds(60),
          () -> {
            try {
              return !http.get("/api/v1/alerts")
                  .putHeader("Authorization", "Bearer " + viewer)
                  .send()
                  .await()
                  .bodyAsJsonObject()
                  .getJsonArray("items")
                  .isEmpty();
            } catch (Exception e) {
              return false;
            }
          });
      System.out.printf(
          "demo: first alert %d s after the banner%n",
          (System.nanoTime() - bannerAt) / 1_000_000_000);

      // The demo prints a parent's view; its link shows that pupil's journeys.
      await(
          "a parent's view",
          Duration.ofSeconds(30),
          () -> demo.stdout().contains("Parents' views"));
      Matcher parent =
          Pattern.compile("pupil (\\S+)  http://localhost:" + port + "/parent/#t=(twp_\\S+)")
              .matcher(demo.stdout());
      assertThat(parent.find()).as(demo.stdout()).isTrue();
      var journeys =
          http.get("/api/v1/parent/today")
              .putHeader("Authorization", "Bearer " + parent.group(2))
              .send()
              .await();
      assertThat(journeys.statusCode()).isEqualTo(200);
      assertThat(journeys.bodyAsJsonObject().getString("pupilId")).isEqualTo(parent.group(1));

      // And a school's login, which sees that school's view.
      Matcher school =
          Pattern.compile(
                  "A school's view \\(log in on the control-room page\\): (\\S+)  password (\\S+)  \\(.*, (\\S+)\\)")
              .matcher(demo.stdout());
      assertThat(school.find()).as(demo.stdout()).isTrue();
      var login =
          http.post("/api/v1/session")
              .sendJsonObject(
                  new io.vertx.core.json.JsonObject()
                      .put("email", school.group(1))
                      .put("password", school.group(2)))
              .await();
      assertThat(login.statusCode()).isEqualTo(200);
      assertThat(login.bodyAsJsonObject().getString("schoolId")).isEqualTo(school.group(3));

      assertThat(demo.stop()).isIn(0, 143);
      Path pid = dir.resolve("data/pg/postmaster.pid");
      await("the demo's PostgreSQL to stop", Duration.ofSeconds(30), () -> !Files.exists(pid));
    } finally {
      demo.close();
      http.close();
      vertx.close().await();
    }
  }
}
