package travelwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import travelwatch.access.Role;
import travelwatch.support.Accessibility;
import travelwatch.support.Browser;
import travelwatch.support.Events;
import travelwatch.support.HeldHandOff;
import travelwatch.support.PageDriver;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(180)
@DisplayName("The control room says when the node is behind the events it has taken in")
class ControlRoomBehindTest {
  private static final String CONTROLLER = "controller@council.example";
  private static final String PASSWORD = "correct horse battery";
  private static final Duration BANNER_WITHIN = Duration.ofSeconds(40);

  @TempDir static Path profile;
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:50:00Z"));
  private static TestServer server;
  private static HeldHandOff handOff;
  private static PageDriver page;

  @BeforeAll
  static void start() {
    Browser.requireInstalled();
    server =
        TestServer.live(
            clock,
            TwoOperators.json(),
            Map.of("TW_SESSION_IDLE_MINUTES", "720", "TW_INGEST_MAX_FUTURE_SECONDS", "7200"));
    handOff = HeldHandOff.on(server);
    SessionLogin.addUser(server, CONTROLLER, Role.CONTROLLER, PASSWORD);
    page = PageDriver.open(profile, server, 1366, 768);
  }

  @AfterAll
  static void stop() {
    PageDriver.stop(page, server);
  }

  private static JsonObject a(String type, Instant at) {
    return Events.example(type).put("occurredAt", at.toString());
  }

  @Test
  @DisplayName(
      "With run A's events held for 15 service minutes a banner says how far behind the node is"
          + " and that deadline alerts wait; released, the banner goes and no alert was raised for"
          + " run A")
  void bannerWhileBehind() {
    page.logIn(CONTROLLER, PASSWORD);
    WebElement banner = page.browser().findElement(By.id("intake-banner"));
    assertThat(banner.isDisplayed()).as("no banner while the node keeps up").isFalse();

    handOff.hold();
    String operator = server.operatorKey("OPA");
    clock.set(Instant.parse("2026-11-23T07:52:00Z"));
    Events.store(
        server,
        operator,
        a("crew.assigned", Instant.parse("2026-11-23T07:51:00Z")),
        a("run.started", Instant.parse("2026-11-23T07:52:00Z")));
    for (int minute = 53; minute <= 67; minute++) {
      Instant at = Instant.parse("2026-11-23T07:00:00Z").plus(Duration.ofMinutes(minute));
      clock.set(at);
      Events.store(server, operator, a("vehicle.position", at));
    }

    page.waiting(BANNER_WITHIN).until(d -> d.findElement(By.id("intake-banner")).isDisplayed());
    String text = page.read(d -> d.findElement(By.id("intake-banner")).getText());
    assertThat(text)
        .matches("TravelWatch is 1[45] min behind the events it has received\\..*")
        .contains("not started, silent or late wait until it has caught up");
    assertThat(page.overflow().get("document")).as("the page still does not scroll").isZero();
    Browser.screenshot(page.browser(), "control-room-behind");
    Accessibility.assertNoViolations(page.browser(), "control room, behind the events");

    handOff.release();
    page.waiting(BANNER_WITHIN).until(d -> !d.findElement(By.id("intake-banner")).isDisplayed());
    assertThat(
            server
                .get(
                    "/api/v1/alerts?date=2026-11-23",
                    server.scopeKey(travelwatch.access.Scope.ADMIN))
                .bodyAsJsonObject()
                .getJsonArray("items")
                .stream()
                .map(o -> ((JsonObject) o).getString("runId")))
        .as("nothing raised about run A, whose events were only late in reaching the monitor")
        .doesNotContain(TwoOperators.RUN_A);
  }
}
