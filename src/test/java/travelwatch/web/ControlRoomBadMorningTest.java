package travelwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.PlanGenerator;
import travelwatch.plan.PlanJson;
import travelwatch.support.Accessibility;
import travelwatch.support.Browser;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.PageDriver;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;

@Timeout(900)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName(
    "A bad morning on one screen: the city's 2,100 runs and 40 open alerts on a laptop and a wall"
        + " screen")
class ControlRoomBadMorningTest {
  private static final LocalDate DATE = LocalDate.of(2026, 11, 23);
  private static final String PASSWORD = "a long enough password";
  private static final String CONTROLLER = "controller@council.example";
  private static final int CANCELLED = 25;
  private static final int SAFEGUARDING = 15;

  @TempDir static Path profile;
  // 06:00: before any run is due to start, so the only alerts are the ones sent below.
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T06:00:00Z"));
  private static TestServer server;
  private static ChromeDriver browser;
  private static PageDriver page;
  private static Plan plan;
  private static final List<String> cancelled = new ArrayList<>();

  @BeforeAll
  static void start() {
    Browser.requireInstalled();
    server = new TestServer(Map.of(), clock);
    String admin = server.scopeKey(Scope.ADMIN);
    plan = new PlanGenerator(5, 1050, PlanGenerator.schoolDays(DATE, 1)).generate();
    assertThat(plan.runs()).hasSize(2100);
    assertThat(server.post("/api/v1/plan", admin, PlanJson.write(plan)).statusCode())
        .isEqualTo(200);
    SessionLogin.addUser(server, CONTROLLER, Role.CONTROLLER, PASSWORD);
    badMorning();
    page = PageDriver.open(profile, server, 1920, 1080);
    browser = page.browser();
  }

  @AfterAll
  static void stop() {
    PageDriver.stop(page, server);
  }

  /** 25 AM runs cancelled and 15 safeguarding incidents on others, each from its operator. */
  private static void badMorning() {
    Map<String, String> operatorOfRoute =
        plan.routes().stream().collect(Collectors.toMap(Route::id, Route::operatorId));
    List<Run> am = plan.runs().stream().filter(r -> r.direction() == Direction.AM).toList();
    Map<String, List<JsonObject>> byOperator = new LinkedHashMap<>();
    for (int i = 0; i < CANCELLED + SAFEGUARDING; i++) {
      Run run = am.get(i * 20);
      JsonObject event =
          i < CANCELLED
              ? Events.event("run.cancelled", "2026-11-23T05:50:00Z")
                  .put("runId", run.id())
                  .put("reason", "no driver")
              : Events.event("incident.reported", "2026-11-23T05:55:00Z")
                  .put("runId", run.id())
                  .put("category", "safeguarding")
                  .put("summary", "reported by the escort");
      if (i < CANCELLED) {
        cancelled.add(run.id());
      }
      byOperator
          .computeIfAbsent(operatorOfRoute.get(run.routeId()), k -> new ArrayList<>())
          .add(event);
    }
    byOperator.forEach(
        (operator, events) ->
            Events.store(server, server.operatorKey(operator), events.toArray(JsonObject[]::new)));
    String admin = server.scopeKey(Scope.ADMIN);
    JarProcess.await(
        "40 open alerts",
        Duration.ofSeconds(60),
        () ->
            server
                    .get("/api/v1/alerts?state=open", admin)
                    .bodyAsJsonObject()
                    .getJsonArray("items")
                    .size()
                == CANCELLED + SAFEGUARDING);
  }

  @ParameterizedTest(name = "{0}×{1}")
  @CsvSource({"1920, 1080, wall-screen", "1366, 768, laptop"})
  @Order(1)
  @DisplayName(
      "Every run is on the board with the cancelled ones pinned first, every panel's heading is in"
          + " the window, the page does not scroll and axe-core finds nothing")
  void holdsOnOneScreen(int width, int height, String name) {
    page.resize(width, height);
    page.logIn(CONTROLLER, PASSWORD);
    page.waiting(Duration.ofSeconds(30))
        .until(
            d ->
                d.findElements(By.cssSelector("#board-rows tr")).size() == 2100
                    && d.findElement(By.id("alerts-summary")).getText().startsWith("40 active"));

    List<String> ids = page.attributes(By.cssSelector("#board-rows tr"), "data-run-id");
    assertThat(ids.subList(0, CANCELLED)).containsExactlyInAnyOrderElementsOf(cancelled);
    // Names beside codes: the operator's and the school's, as the plan has them.
    Run first =
        plan.runs().stream().filter(r -> r.id().equals(ids.get(0))).findFirst().orElseThrow();
    Route route =
        plan.routes().stream()
            .filter(r -> r.id().equals(first.routeId()))
            .findFirst()
            .orElseThrow();
    String operatorName =
        plan.operators().stream()
            .filter(o -> o.id().equals(route.operatorId()))
            .findFirst()
            .orElseThrow()
            .name();
    String schoolName =
        plan.schools().stream()
            .filter(x -> x.id().equals(route.schoolId()))
            .findFirst()
            .orElseThrow()
            .name();
    assertThat(page.<String>read(d -> d.findElement(By.cssSelector("#board-rows tr")).getText()))
        .contains(route.operatorId() + " " + operatorName, route.schoolId() + " " + schoolName);
    // The 25 cancellations fold into one row of the feed; the 15 critical alerts stand alone.
    assertThat(
            page.<String>read(
                d ->
                    d.findElement(
                            By.cssSelector(
                                "#alert-list li.alert-group[data-group='high|run.cancelled']"))
                        .getText()))
        .contains("Cancelled", "25 alerts");
    assertThat(
            browser.findElements(
                By.cssSelector("#alert-list > li[data-type='incident.safeguarding']")))
        .hasSize(SAFEGUARDING);
    assertThat(page.<String>read(d -> d.findElement(By.cssSelector("#board-rows tr")).getText()))
        .contains("CANCELLED");

    assertThat(page.overflow())
        .as("the page holds still at %d×%d", width, height)
        .containsEntry("document", 0L)
        .containsEntry("documentWide", 0L)
        .containsEntry("main", 0L);
    long viewportWidth = (Long) page.script("return window.innerWidth");
    long viewportHeight = (Long) page.script("return window.innerHeight");
    for (WebElement heading :
        browser.findElements(By.cssSelector("#live section:not([hidden]) h2"))) {
      @SuppressWarnings("unchecked")
      Map<String, Number> box =
          (Map<String, Number>)
              page.script(
                  "const r = arguments[0].getBoundingClientRect();"
                      + "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};",
                  heading);
      String which = heading.getText() + " in " + viewportWidth + "×" + viewportHeight;
      assertThat(box.get("top").doubleValue()).as(which).isGreaterThanOrEqualTo(0);
      assertThat(box.get("left").doubleValue()).as(which).isGreaterThanOrEqualTo(0);
      assertThat(box.get("bottom").doubleValue()).as(which).isLessThanOrEqualTo(viewportHeight);
      assertThat(box.get("right").doubleValue()).as(which).isLessThanOrEqualTo(viewportWidth);
    }
    assertThat(browser.findElements(By.cssSelector("#live section:not([hidden]) h2"))).hasSize(6);
    // Each panel that scrolls can be reached by keyboard, and says what it is.
    for (WebElement region : browser.findElements(By.cssSelector("#live .scroll"))) {
      assertThat(region.getAttribute("tabindex")).isEqualTo("0");
      assertThat(region.getAttribute("aria-label")).isNotBlank();
    }
    // Many alerts on one screen: a compact row each.
    assertThat(
            page.<Integer>read(
                d -> d.findElements(By.cssSelector("#alert-list > li")).get(0).getSize().height))
        .isLessThan(60);

    Browser.screenshot(browser, "live-2100-runs-" + name);
    // The whole page as it stands, every one of the 2,100 rows on the board.
    assertThat(browser.findElements(By.cssSelector("#board-rows tr"))).hasSize(2100);
    Accessibility.assertNoViolationsOnLargePage(
        browser,
        "the live view, 2,100 runs and 40 alerts, " + width + "×" + height,
        Duration.ofMinutes(10));
    page.logOut();
  }

  @Test
  @Order(2)
  @DisplayName(
      "A status count lists only its runs, and again all of them; the search finds a run by its"
          + " route and by a pupil's reference")
  void countsAndSearch() {
    page.resize(1366, 768);
    page.logIn(CONTROLLER, PASSWORD);
    By rows = By.cssSelector("#board-rows tr");
    page.waiting(Duration.ofSeconds(30)).until(d -> d.findElements(rows).size() == 2100);

    WebElement count =
        browser.findElement(By.cssSelector("#board-counts button[data-count='cancelled']"));
    assertThat(count.getText()).contains(String.valueOf(CANCELLED), "Cancelled");
    count.click();
    page.waiting(Duration.ofSeconds(5)).until(d -> d.findElements(rows).size() == CANCELLED);
    assertThat(
            browser
                .findElement(By.cssSelector("#board-counts button[data-count='cancelled']"))
                .getAttribute("aria-pressed"))
        .isEqualTo("true");
    browser.findElement(By.cssSelector("#board-counts button[data-count='cancelled']")).click();
    page.waiting(Duration.ofSeconds(5)).until(d -> d.findElements(rows).size() == 2100);

    Run run = plan.runs().get(700);
    WebElement search = browser.findElement(By.id("board-search"));
    search.sendKeys(run.routeId().toLowerCase());
    List<String> routeRuns =
        plan.runs().stream().filter(r -> r.routeId().equals(run.routeId())).map(Run::id).toList();
    page.waiting(Duration.ofSeconds(5))
        .until(d -> page.attributes(rows, "data-run-id").size() == routeRuns.size());
    assertThat(page.attributes(rows, "data-run-id")).containsExactlyInAnyOrderElementsOf(routeRuns);

    String pupil =
        run.stops().get(0).pickups().isEmpty()
            ? run.stops().get(0).dropoffs().get(0)
            : run.stops().get(0).pickups().get(0);
    search.clear();
    search.sendKeys(pupil, Keys.ENTER);
    page.waiting(Duration.ofSeconds(10))
        .until(d -> d.findElement(By.id("board-summary")).getText().contains("pupil"));
    List<String> pupilsRuns =
        plan.runs().stream()
            .filter(
                r ->
                    r.stops().stream()
                        .anyMatch(s -> s.pickups().contains(pupil) || s.dropoffs().contains(pupil)))
            .map(Run::id)
            .toList();
    assertThat(page.attributes(rows, "data-run-id"))
        .containsExactlyInAnyOrderElementsOf(pupilsRuns);
    page.logOut();
  }
}
