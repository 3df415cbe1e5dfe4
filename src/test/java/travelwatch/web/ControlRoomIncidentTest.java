package travelwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
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
  private static final String OTHER = "second.controller@council.example";
  private static final String RUN = TwoOperators.RUN_A;

  @TempDir static Path profile;
  @TempDir static Path otherProfile;
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:50:00Z"));
  private static TestServer server;
  private static ChromeDriver browser;
  private static PageDriver page;

  /** Another controller's page, in a browser of its own. */
  private static PageDriver other;

  private static String operatorA;

  @BeforeAll
  static void start() {
    Browser.requireInstalled();
    server = TestServer.live(clock, TwoOperators.json(), Map.of());
    operatorA = server.operatorKey("OPA");
    SessionLogin.addUser(server, CONTROLLER, Role.CONTROLLER, PASSWORD);
    SessionLogin.addUser(server, OTHER, Role.CONTROLLER, PASSWORD);
    page = PageDriver.open(profile, server, 1920, 1080);
    browser = page.browser();
  }

  @AfterAll
  static void stop() {
    if (other != null) {
      other.browser().quit();
    }
    PageDriver.stop(page, server);
  }

  private static JsonObject alertOfType(String type) {
    return server
        .get("/api/v1/alerts?type=" + type, server.scopeKey(Scope.ADMIN))
        .bodyAsJsonObject()
        .getJsonArray("items")
        .getJsonObject(0);
  }

  private static JsonObject alertFromApi(long id) {
    return server.get("/api/v1/alerts/" + id, server.scopeKey(Scope.ADMIN)).bodyAsJsonObject();
  }

  private static By feedItem(long id) {
    return By.cssSelector("#alert-list li[data-alert-id='" + id + "']");
  }

  /** Opens an alert's row in the feed, if it is not open yet. */
  private static void openRow(PageDriver on, long id) {
    WebElement toggle = on.visible(feedItem(id)).findElement(By.className("alert-toggle"));
    if (!"true".equals(toggle.getAttribute("aria-expanded"))) {
      toggle.click();
    }
    on.visible(By.cssSelector("#alert-" + id + "-body"));
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
    page.visible(alert);
    page.click(By.cssSelector("#alert-list li[data-type='crew.dbs_not_cleared'] .alert-toggle"));
    page.click(By.linkText("Open run " + RUN));

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
    assertThat(
            page.attributes(
                By.cssSelector("#run-stop-table tr[data-stop-id='H1'] li[data-pupil-id]"),
                "data-state"))
        .containsExactly("boarded");
    assertThat(page.attributes(By.cssSelector("#run-timeline-table tbody tr"), "data-type"))
        .containsExactly("crew.assigned", "run.started", "pupil.boarded");
    assertThat(page.<String>read(d -> d.findElement(By.id("run-timeline-table")).getText()))
        .contains("08:02 pupil.boarded 08:03 api");
    assertThat(page.<String>read(d -> d.findElement(By.id("run-facts")).getText()))
        .contains(
            "Started",
            "BX19 ABC",
            "OPA Oakfield Travel",
            TwoOperators.OPA_PHONE,
            "SCH1 Hillcrest School",
            "08:40");
    assertThat(
            page.<String>read(
                d ->
                    d.findElement(row("run-crew", "data-crew-id", TwoOperators.UNCLEARED_DRIVER_A))
                        .getText()))
        .contains("driver", "positive", "Not compliant");
    assertThat(
            page.<String>read(
                d ->
                    d.findElement(row("run-crew", "data-crew-id", TwoOperators.GUIDE_A)).getText()))
        .contains("guide", "clear", "✓ Compliant");
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
    long id = alertOfType("crew.dbs_not_cleared").getLong("id");
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

  @Test
  @Order(3)
  @DisplayName(
      "The pupil lookup answers a lower-case reference with the ETA at the pupil's own stop and the"
          + " operator's phone, and an unknown reference with \"no such pupil\"")
  void pupilLookup() {
    page.logIn(CONTROLLER, PASSWORD);
    WebElement reference = page.visible(By.id("pupil-id"));
    reference.sendKeys(TwoOperators.PUPIL_A.toLowerCase(), Keys.ENTER);
    page.waiting(Duration.ofSeconds(10))
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("pupil-result"), "Pupil " + TwoOperators.PUPIL_A));
    assertThat(page.<String>read(d -> d.findElement(By.id("pupil-result")).getText()))
        .contains(
            "Pupil\nOn board",
            "(stop 1, planned 08:10)",
            "Operator phone\n" + TwoOperators.OPA_PHONE);
    reference.clear();
    reference.sendKeys("P-NOBODY", Keys.ENTER);
    page.waiting(Duration.ofSeconds(10))
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("pupil-result"), "There is no pupil P-NOBODY"));
    page.logOut();
  }

  @Test
  @Order(4)
  @DisplayName(
      "The alert feed filters by severity, type, operator (by name) and school, and folds nothing"
          + " of two")
  void feedFilters() {
    Events.store(
        server,
        server.operatorKey("OPB"),
        Events.event("run.cancelled", "2026-11-23T08:04:00Z")
            .put("runId", TwoOperators.RUN_B)
            .put("reason", "vehicle off road"));
    page.logIn(CONTROLLER, PASSWORD);
    By rows = By.cssSelector("#alert-list li[data-alert-id]");
    page.visible(By.cssSelector("#alert-list li[data-type='run.cancelled']"));
    int all = page.attributes(rows, "data-alert-id").size();

    new Select(browser.findElement(By.id("alert-severity"))).selectByValue("critical");
    page.waiting(Duration.ofSeconds(5))
        .withMessage(
            () ->
                "critical rows: "
                    + page.attributes(rows, "data-type")
                    + " of "
                    + server.get("/api/v1/alerts", server.scopeKey(Scope.ADMIN)).bodyAsString())
        .until(
            d ->
                page.attributes(rows, "data-type").stream()
                    .allMatch(t -> t.startsWith("crew.dbs")));
    assertThat(page.<String>read(d -> d.findElement(By.id("alerts-summary")).getText()))
        .contains("hidden by the filters");
    new Select(browser.findElement(By.id("alert-severity"))).selectByValue("");

    Select operator = new Select(browser.findElement(By.id("alert-operator")));
    assertThat(operator.getOptions().stream().map(WebElement::getText))
        .contains("OPA Oakfield Travel", "OPB Brookvale Cars");
    operator.selectByValue("OPB");
    page.waiting(Duration.ofSeconds(5))
        .until(
            d -> {
              List<String> types = page.attributes(rows, "data-type");
              return types.contains("run.cancelled")
                  && types.stream().noneMatch(t -> t.startsWith("crew."));
            });
    operator.selectByValue("");

    new Select(browser.findElement(By.id("alert-type"))).selectByValue("crew.changed");
    page.waiting(Duration.ofSeconds(5))
        .until(d -> page.attributes(rows, "data-type").stream().allMatch("crew.changed"::equals));
    new Select(browser.findElement(By.id("alert-type"))).selectByValue("");

    new Select(browser.findElement(By.id("alert-school"))).selectByValue("SCH1");
    page.waiting(Duration.ofSeconds(5))
        .until(d -> page.attributes(rows, "data-alert-id").size() == all);
    new Select(browser.findElement(By.id("alert-school"))).selectByValue("");
    Accessibility.assertNoViolations(browser, "the live view");
  }

  @Test
  @Order(5)
  @DisplayName(
      "Assigning an alert to oneself shows on another controller's page at once; a note typed on"
          + " acknowledging by keyboard shows there and in the API, and the keyboard stays on the"
          + " alert")
  void assignAndAcknowledgeWithANote() {
    long id = alertOfType("crew.dbs_not_cleared").getLong("id");
    assertThat(browser.getTitle()).startsWith("(1) new critical alert");
    other = PageDriver.open(otherProfile, server, 1366, 768);
    other.logIn(OTHER, PASSWORD);
    openRow(other, id); // open before, so the note arrives over the stream

    openRow(page, id);
    page.click(By.cssSelector("#alert-" + id + " button[data-action='assign']"));
    other
        .waiting(Duration.ofSeconds(10))
        .until(ExpectedConditions.attributeToBe(feedItem(id), "data-assigned-to", CONTROLLER));
    assertThat(other.<String>read(d -> d.findElement(feedItem(id)).getText()))
        .contains("→ controller");
    assertThat(page.<String>read(d -> d.findElement(feedItem(id)).getText())).contains("→ you");
    assertThat(alertFromApi(id).getString("assignedTo")).isEqualTo(CONTROLLER);

    String note = "Rang Oakfield: a cleared driver is on the way";
    WebElement input = page.visible(By.id("note-" + id));
    input.click();
    input.sendKeys(note, Keys.ENTER);
    page.waiting(Duration.ofSeconds(10))
        .until(ExpectedConditions.attributeToBe(feedItem(id), "data-state", "acknowledged"));
    assertThat(
            page.script(
                "return document.activeElement.closest('li[data-alert-id]')"
                    + "?.getAttribute('data-alert-id')"))
        .as("the keyboard stays on the alert")
        .isEqualTo(String.valueOf(id));
    assertThat(browser.getTitle()).isEqualTo("TravelWatch — control room");

    other
        .waiting(Duration.ofSeconds(10))
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#alert-" + id + " .transitions"), note));
    assertThat(
            other.<String>read(
                d -> d.findElement(By.cssSelector("#alert-" + id + " .transitions")).getText()))
        .contains("Acknowledged by " + CONTROLLER, "Assigned by " + CONTROLLER);
    JsonArray transitions = alertFromApi(id).getJsonArray("transitions");
    assertThat(
            transitions.stream()
                .map(JsonObject.class::cast)
                .filter(t -> "acknowledged".equals(t.getString("kind")))
                .map(t -> t.getString("note")))
        .containsExactly(note);

    // Another controller taking the alert (their row settled on the acknowledgement) rebuilds its
    // row on this page: the keyboard stays on it.
    other.click(By.cssSelector("#alert-" + id + " button[data-action='assign']"));
    page.waiting(Duration.ofSeconds(10))
        .until(ExpectedConditions.attributeToBe(feedItem(id), "data-assigned-to", OTHER));
    assertThat(
            page.script(
                "return document.activeElement.closest('li[data-alert-id]')"
                    + "?.getAttribute('data-alert-id')"))
        .as("the keyboard stays on the alert another controller took")
        .isEqualTo(String.valueOf(id));
    page.click(By.cssSelector("#alert-" + id + " button[data-action='assign']"));
    other
        .waiting(Duration.ofSeconds(10))
        .until(ExpectedConditions.attributeToBe(feedItem(id), "data-assigned-to", CONTROLLER));
    Browser.screenshot(other.browser(), "alert-acknowledged-elsewhere");
    Accessibility.assertNoViolations(other.browser(), "the live view with an alert opened");
  }

  @Test
  @Order(6)
  @DisplayName(
      "Resolving a critical alert whose condition still holds asks for a confirmation and a note,"
          + " and stores the note")
  void resolveNeedsConfirmation() {
    long id = alertOfType("crew.dbs_not_cleared").getLong("id");
    openRow(page, id);
    page.click(By.cssSelector("#alert-" + id + " button[data-action='resolve']"));
    WebElement confirm = page.visible(By.cssSelector("#alert-" + id + " .confirm"));
    assertThat(confirm.getText()).contains("The condition still holds");
    confirm.findElement(By.cssSelector("button[data-action='confirm-resolve']")).click();
    page.waiting(Duration.ofSeconds(5))
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#alert-" + id + " .error"), "Write why"));
    assertThat(alertFromApi(id).getString("state")).isEqualTo("acknowledged");
    String why = "Driver replaced; the operator confirms the cleared driver is on board";
    page.visible(By.id("confirm-note-" + id)).sendKeys(why);
    page.click(By.cssSelector("#alert-" + id + " button[data-action='confirm-resolve']"));
    page.waiting(Duration.ofSeconds(10)).until(d -> d.findElements(feedItem(id)).isEmpty());
    JsonObject resolved = alertFromApi(id);
    assertThat(resolved.getString("state")).isEqualTo("resolved");
    assertThat(
            resolved
                .getJsonArray("transitions")
                .getJsonObject(resolved.getJsonArray("transitions").size() - 1)
                .getString("note"))
        .isEqualTo(why);
    other.waiting(Duration.ofSeconds(10)).until(d -> d.findElements(feedItem(id)).isEmpty());
  }

  @Test
  @Order(7)
  @DisplayName("With sound chosen, a new critical alert plays a tone and counts in the tab's title")
  void soundAndTitle() {
    page.visible(By.id("alert-sound")).click();
    Events.store(
        server,
        operatorA,
        Events.event("incident.reported", "2026-11-23T08:05:00Z")
            .put("runId", RUN)
            .put("category", "safeguarding")
            .put("summary", "a pupil was upset"));
    page.waiting(Duration.ofSeconds(10))
        .until(ExpectedConditions.attributeToBe(By.id("alert-sound"), "data-played", "1"));
    page.waiting(Duration.ofSeconds(5))
        .until(d -> d.getTitle().startsWith("(1) new critical alert"));
    other.logOut();
    page.logOut();
  }
}
