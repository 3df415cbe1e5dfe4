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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.support.Accessibility;
import travelwatch.support.Browser;
import travelwatch.support.Events;
import travelwatch.support.PageDriver;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(600)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Working an incident on the control-room page: from an alert to its run and back")
class ControlRoomIncidentTest {
  private static final String PASSWORD = "a long enough password";
  private static final String CONTROLLER = "controller@council.example";
  private static final String RUN = TwoOperators.RUN_A;

  @TempDir static Path profile;
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:50:00Z"));
  private static TestServer server;
  private static ChromeDriver browser;
  private static PageDriver page;
  private static String operatorA;

  @BeforeAll
  static void start() {
    Browser.requireInstalled();
    server = TestServer.live(clock, TwoOperators.json(), Map.of());
    operatorA = server.operatorKey("OPA");
    SessionLogin.addUser(server, CONTROLLER, Role.CONTROLLER, PASSWORD);
    page = PageDriver.open(profile, server, 1920, 1080);
    browser = page.browser();
  }

  @AfterAll
  static void stop() {
    PageDriver.stop(page, server);
  }

  private static By row(String table, String attribute, String value) {
    return By.cssSelector("#" + table + " tr[" + attribute + "='" + value + "']");
  }

  @Test
  @Order(1)
  @DisplayName(
      "From an alert a controller opens its run: the stops, pupils and timeline match what was"
          + " posted, a new event appears without a reload, and back and forward move between the"
          + " views")
  void fromAnAlertToItsRun() {
    clock.set(Instant.parse("2026-11-23T08:03:00Z"));
    page.logIn(CONTROLLER, PASSWORD);
    Events.store(
        server,
        operatorA,
        Events.event("crew.assigned", "2026-11-23T07:55:00Z")
            .put("runId", RUN)
            .put("driverId", TwoOperators.UNCLEARED_DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", "BX19 ABC"),
        Events.event("run.started", "2026-11-23T07:58:00Z")
            .put("runId", RUN)
            .put("lat", 52.5)
            .put("lon", -1.9),
        Events.event("pupil.boarded", "2026-11-23T08:02:00Z")
            .put("runId", RUN)
            .put("pupilId", TwoOperators.PUPIL_A)
            .put("stopId", "H1")
            .put("lat", 52.5)
            .put("lon", -1.9));
    By alert = By.cssSelector("#alert-list li[data-type='crew.dbs_not_cleared']");
    page.visible(alert).findElement(By.className("alert-toggle")).click();
    page.visible(By.linkText("Open run " + RUN)).click();

    page.waiting(Duration.ofSeconds(15))
        .until(ExpectedConditions.textToBe(By.id("run-title"), "Run " + RUN));
    assertThat(browser.getCurrentUrl()).endsWith("#/runs/" + RUN);
    assertThat(browser.findElement(By.id("live")).isDisplayed()).isFalse();
    assertThat(
            page.<String>read(
                d -> d.findElement(row("run-stop-table", "data-stop-id", "H1")).getText()))
        .contains("08:10", TwoOperators.PUPIL_A, "pick-up");
    assertThat(
            page.<String>read(
                d -> d.findElement(row("run-stop-table", "data-stop-id", "SCH1")).getText()))
        .contains("08:35", TwoOperators.PUPIL_A, "drop-off");
    assertThat(page.attributes(By.cssSelector("#run-timeline-table tbody tr"), "data-type"))
        .containsExactly("crew.assigned", "run.started", "pupil.boarded");
    assertThat(page.<String>read(d -> d.findElement(By.id("run-facts")).getText()))
        .contains("Started", "BX19 ABC", "OPA", "SCH1", "08:40");
    page.visible(By.cssSelector("#run-alert-list li[data-type='crew.dbs_not_cleared']"));

    // A new event reaches the open run without a reload.
    page.script("window.notReloaded = true");
    clock.set(Instant.parse("2026-11-23T08:05:00Z"));
    Events.store(
        server,
        operatorA,
        Events.event("incident.reported", "2026-11-23T08:04:00Z")
            .put("runId", RUN)
            .put("category", "vehicle")
            .put("summary", "a tyre is low"));
    page.waiting(Duration.ofSeconds(30))
        .until(
            d ->
                page.attributes(By.cssSelector("#run-timeline-table tbody tr"), "data-type")
                    .contains("incident.reported"));
    assertThat(page.script("return window.notReloaded === true")).isEqualTo(true);

    Browser.screenshot(browser, "run");
    Accessibility.assertNoViolations(browser, "the run view");

    browser.navigate().back();
    page.visible(By.id("board-rows"));
    assertThat(browser.findElement(By.id("detail")).isDisplayed()).isFalse();
    browser.navigate().forward();
    page.waiting(Duration.ofSeconds(15))
        .until(ExpectedConditions.visibilityOfElementLocated(By.id("run-stop-table")));
    assertThat(browser.getCurrentUrl()).endsWith("#/runs/" + RUN);
    page.logOut();
  }

  @Test
  @Order(2)
  @DisplayName("An alert's own page shows the alert opened, with its run below it")
  void anAlertsOwnPage() {
    JsonObject open =
        server
            .get("/api/v1/alerts?type=crew.dbs_not_cleared", server.scopeKey(Scope.ADMIN))
            .bodyAsJsonObject()
            .getJsonArray("items")
            .getJsonObject(0);
    long id = open.getLong("id");
    page.logIn(CONTROLLER, PASSWORD, "#/alerts/" + id);
    page.visible(By.id("detail-alert-" + id));
    assertThat(page.<String>read(d -> d.findElement(By.id("detail-alert-" + id)).getText()))
        .contains("DBS not cleared", "Run " + RUN, "Acknowledge", "Assign to me", "Resolve");
    page.waiting(Duration.ofSeconds(15))
        .until(ExpectedConditions.textToBe(By.id("run-title"), "Run " + RUN));
    assertThat(page.script("return document.activeElement.id")).isEqualTo("detail-alert-" + id);
    Browser.screenshot(browser, "alert");
    Accessibility.assertNoViolations(browser, "an alert's page");
    page.logOut();
  }
}
