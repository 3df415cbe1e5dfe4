package travelwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import travelwatch.access.Role;
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
@DisplayName("The control room's live map, with its tiles out of reach")
class ControlRoomMapTest {
  private static final String PASSWORD = "a long enough password";
  private static final String VIEWER = "viewer@council.example";
  private static final String CONTROLLER = "controller@council.example";

  /** Nothing listens there: the tiles cannot load, as on a machine without the internet. */
  private static final String TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png";

  @TempDir static Path profile;
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T08:36:00Z"));
  private static TestServer server;
  private static ChromeDriver browser;
  private static PageDriver page;
  private static String operatorA;

  @BeforeAll
  static void start() {
    Browser.requireInstalled();
    server = TestServer.live(clock, TwoOperators.json(), Map.of("TW_MAP_TILE_URL", TILES));
    operatorA = server.operatorKey("OPA");
    String operatorB = server.operatorKey("OPB");
    SessionLogin.addUser(server, VIEWER, Role.VIEWER, PASSWORD);
    SessionLogin.addUser(server, CONTROLLER, Role.CONTROLLER, PASSWORD);
    // A on its way in, near the school; B far out at 08:35 with the school due at 08:40: late.
    Events.store(
        server,
        operatorA,
        at("run.started", TwoOperators.RUN_A, "07:58", 52.5, -1.9),
        at("vehicle.position", TwoOperators.RUN_A, "08:20", 52.49, -1.895),
        at("vehicle.position", TwoOperators.RUN_A, "08:35", 52.485, -1.892));
    Events.store(
        server,
        operatorB,
        at("run.started", TwoOperators.RUN_B, "08:00", 52.5, -1.9),
        at("vehicle.position", TwoOperators.RUN_B, "08:35", 52.55, -1.95));
    page = PageDriver.open(profile, server, 1920, 1080);
    browser = page.browser();
  }

  @AfterAll
  static void stop() {
    PageDriver.stop(page, server);
  }

  /** A run's event with the vehicle's position, at HH:MM on the test's day. */
  private static JsonObject at(String type, String runId, String time, double lat, double lon) {
    return Events.event(type, "2026-11-23T" + time + ":00Z")
        .put("runId", runId)
        .put("lat", lat)
        .put("lon", lon);
  }

  @Test
  @Order(1)
  @DisplayName(
      "The page's Content-Security-Policy allows images from the configured tile host and no"
          + " other, and the page is told which URL to use")
  void policyNamesTheTileHost() {
    HttpResponse<Buffer> index = server.get("/", null);
    String policy = index.getHeader("Content-Security-Policy");
    assertThat(policy)
        .contains("img-src 'self' data: http://127.0.0.1:9;")
        .contains("connect-src 'self';")
        .doesNotContain("openstreetmap");
    assertThat(index.bodyAsString())
        .contains("<meta name=\"tw-map\" content=\"" + TILES + "\"")
        .contains("data-attribution=\"© OpenStreetMap contributors\"");
    assertThat(server.get("/webjars/leaflet/1.9.4/dist/leaflet.js", null).statusCode())
        .isEqualTo(200);
  }

  private static double number(WebElement marker, String attribute) {
    return Double.parseDouble(marker.getAttribute(attribute));
  }

  private static WebElement vehicle(String runId) {
    return page.visible(By.cssSelector("#map .vehicle[data-run-id='" + runId + "']"));
  }

  @Test
  @Order(2)
  @DisplayName(
      "Each started run has a marker at its last position, the late one labelled late; a new"
          + " position moves it without a reload; clicking a vehicle opens its run with its stops"
          + " and path")
  void vehiclesOnTheMap() {
    page.logIn(VIEWER, PASSWORD, "#/map");
    page.waiting(Duration.ofSeconds(20))
        .until(d -> d.findElements(By.cssSelector("#map .vehicle[data-run-id]")).size() == 2);
    WebElement a = vehicle(TwoOperators.RUN_A);
    assertThat(number(a, "data-lat")).isCloseTo(52.485, within(1e-9));
    assertThat(number(a, "data-lon")).isCloseTo(-1.892, within(1e-9));
    assertThat(a.getAttribute("data-state")).isEqualTo("on-time");
    WebElement b = vehicle(TwoOperators.RUN_B);
    assertThat(number(b, "data-lat")).isCloseTo(52.55, within(1e-9));
    assertThat(number(b, "data-lon")).isCloseTo(-1.95, within(1e-9));
    assertThat(b.getAttribute("data-state")).isEqualTo("late");
    assertThat(b.getAttribute("textContent")).contains("late", "»");
    assertThat(page.<String>read(d -> d.findElement(By.id("map-summary")).getText()))
        .contains("2 vehicles", "1 late");
    // The schools are there too, on a plain background: no tile could load.
    page.visible(By.cssSelector("#map .school-mark[data-school-id='SCH1']"));
    assertThat(
            page.script(
                "return [...document.querySelectorAll('#map img.leaflet-tile')]"
                    + ".filter(t => t.complete && t.naturalWidth > 0).length"))
        .isEqualTo(0L);

    Browser.screenshot(browser, "map");
    Accessibility.assertNoViolations(browser, "the map");

    page.script("window.notReloaded = true");
    clock.set(Instant.parse("2026-11-23T08:38:00Z"));
    Events.store(
        server, operatorA, at("vehicle.position", TwoOperators.RUN_A, "08:37", 52.4825, -1.8905));
    page.waiting(Duration.ofSeconds(15))
        .until(d -> "52.4825".equals(vehicle(TwoOperators.RUN_A).getAttribute("data-lat")));
    assertThat(page.script("return window.notReloaded === true")).isEqualTo(true);

    page.script(
        "arguments[0].closest('.leaflet-marker-icon').click()", vehicle(TwoOperators.RUN_A));
    page.waiting(Duration.ofSeconds(15))
        .until(ExpectedConditions.textToBe(By.id("run-title"), "Run " + TwoOperators.RUN_A));
    assertThat(browser.getCurrentUrl()).endsWith("#/runs/" + TwoOperators.RUN_A);
    page.waiting(Duration.ofSeconds(10))
        .until(d -> d.findElements(By.cssSelector("#run-map .stop-mark")).size() == 2);
    page.visible(By.cssSelector("#run-map path.run-path"));
    assertThat(page.attributes(By.cssSelector("#run-map .stop-mark"), "data-stop-id"))
        .containsExactlyInAnyOrder("H1", "SCH1");
    Browser.screenshot(browser, "run-map");
    page.logOut();
  }

  @Test
  @Order(3)
  @DisplayName(
      "The next morning the day picker shows the day before: its board as the runs were left, its"
          + " alerts without actions, and its map at the vehicles' last positions; back returns"
          + " to today")
  void theDayBefore() {
    clock.set(Instant.parse("2026-11-24T07:00:00Z"));
    page.logIn(CONTROLLER, PASSWORD);
    assertThat(page.<String>read(d -> d.findElement(By.id("board-summary")).getText()))
        .isEqualTo("0 of 0 runs.");
    page.script(
        "const day = document.getElementById('day'); day.value = '2026-11-23';"
            + "day.dispatchEvent(new Event('change', {bubbles: true}));");
    By rows = By.cssSelector("#board-rows tr");
    page.waiting(Duration.ofSeconds(20)).until(d -> d.findElements(rows).size() == 2);
    assertThat(browser.getCurrentUrl()).endsWith("#/?date=2026-11-23");
    assertThat(page.<String>read(d -> d.findElement(By.id("board")).getText()))
        .contains("on 2026-11-23", "Started");
    assertThat(page.<String>read(d -> d.findElement(By.id("day-note")).getText()))
        .contains("read-only");
    page.visible(By.cssSelector("#alert-list li[data-alert-id]"));
    assertThat(page.<String>read(d -> d.findElement(By.id("alerts-summary")).getText()))
        .startsWith("2026-11-23:");
    page.click(By.cssSelector("#alert-list li[data-alert-id] .alert-toggle"));
    page.visible(By.cssSelector("#alert-list .alert-body"));
    assertThat(browser.findElements(By.cssSelector("#alerts button[data-action]")))
        .as("a past day is read-only")
        .isEmpty();
    Browser.screenshot(browser, "board-past-day");
    Accessibility.assertNoViolations(browser, "the day before's live view");

    page.click(By.id("map-tab"));
    page.waiting(Duration.ofSeconds(20))
        .until(d -> d.findElements(By.cssSelector("#map .vehicle[data-run-id]")).size() == 2);
    assertThat(browser.getCurrentUrl()).endsWith("#/map?date=2026-11-23");
    WebElement a = vehicle(TwoOperators.RUN_A);
    assertThat(number(a, "data-lat")).isCloseTo(52.4825, within(1e-9));
    assertThat(number(a, "data-lon")).isCloseTo(-1.8905, within(1e-9));

    browser.navigate().back();
    page.waiting(Duration.ofSeconds(20)).until(d -> d.findElements(rows).size() == 2);
    browser.navigate().back();
    page.waiting(Duration.ofSeconds(20))
        .until(d -> d.findElement(By.id("board-summary")).getText().equals("0 of 0 runs."));
    assertThat(page.<String>read(d -> d.findElement(By.id("day-note")).getText())).isEmpty();
    page.logOut();
  }
}
