package travelwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
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
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.Stop;
import travelwatch.plan.PlanJson;
import travelwatch.support.Accessibility;
import travelwatch.support.Browser;
import travelwatch.support.Events;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The control-room page in a real headless Chromium, against a real server")
class ControlRoomPageTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final String PASSWORD = "a long enough password";
  private static final String CONTROLLER = "controller@council.example";
  private static final String VIEWER = "viewer@council.example";
  private static final String MANAGER = "manager@council.example";
  private static final int WEEKS = 6;

  @TempDir static Path profile;
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:40:00Z"));
  private static TestServer server;
  private static ChromeDriver browser;
  private static String admin;
  private static String operatorA;
  private static String base;
  private static long alertId;
  private static String controllerCookie;

  @BeforeAll
  static void start() {
    Browser.requireInstalled();
    server =
        new TestServer(
            Map.of("TW_MONITOR_TICK_MS", "200", "TW_STREAM_HEARTBEAT_SECONDS", "1"), clock);
    base = "http://localhost:" + server.port + "/";
    admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, PlanJson.write(planWithHistory())).statusCode())
        .isEqualTo(200);
    operatorA = server.operatorKey("OPA");
    SessionLogin.addUser(server, CONTROLLER, Role.CONTROLLER, PASSWORD);
    SessionLogin.addUser(server, VIEWER, Role.VIEWER, PASSWORD);
    SessionLogin.addUser(server, MANAGER, Role.MANAGER, PASSWORD);
    playHistory();
    String telephony = server.scopeKey(Scope.TELEPHONY);
    post(
        telephony,
        Events.event("call.offered", "2026-11-23T07:10:00Z").put("callId", "T-1"),
        Events.event("call.answered", "2026-11-23T07:11:00Z").put("callId", "T-1"),
        Events.event("call.offered", "2026-11-23T07:20:00Z").put("callId", "T-2"),
        Events.event("call.abandoned", "2026-11-23T07:26:00Z").put("callId", "T-2"),
        Events.event("call.offered", "2026-11-23T07:36:00Z").put("callId", "T-3"));
    browser = Browser.start(profile, 1920, 1080);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  /** Today's two runs, and the same two runs on the Monday of each of the six weeks before. */
  private static Plan planWithHistory() {
    Plan today = TwoOperators.plan();
    List<Run> runs = new ArrayList<>(today.runs());
    for (int week = 1; week <= WEEKS; week++) {
      LocalDate day = TwoOperators.DATE.minusWeeks(week);
      runs.add(pastRun("RA-H" + week, "RA", day, TwoOperators.PUPIL_A, TwoOperators.DRIVER_A));
      runs.add(pastRun("RB-H" + week, "RB", day, TwoOperators.PUPIL_B, TwoOperators.DRIVER_B));
    }
    return new Plan(
        today.operators(), today.schools(), today.pupils(), today.crew(), today.routes(), runs);
  }

  private static Run pastRun(String id, String route, LocalDate day, String pupil, String driver) {
    return new Run(
        id,
        route,
        day,
        Direction.AM,
        LocalTime.of(8, 40),
        Optional.of(driver),
        Optional.empty(),
        List.of(
            new Stop("H1", 1, 52.50, -1.90, LocalTime.of(8, 10), List.of(pupil), List.of()),
            new Stop("SCH1", 2, 52.48, -1.89, LocalTime.of(8, 35), List.of(), List.of(pupil))));
  }

  private static String at(LocalDate day, int hour, int minute) {
    return ZonedDateTime.of(day, LocalTime.of(hour, minute), LONDON)
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX"));
  }

  /**
   * Six weeks of runs and calls sent as the operators and telephony would, and each week's KPI
   * snapshot taken through the API, so the trend charts have real figures to draw.
   */
  private static void playHistory() {
    String operatorB = server.operatorKey("OPB");
    String telephony = server.scopeKey(Scope.TELEPHONY);
    for (int week = 1; week <= WEEKS; week++) {
      LocalDate day = TwoOperators.DATE.minusWeeks(week);
      String ra = "RA-H" + week;
      String rb = "RB-H" + week;
      deliver(operatorA, ra, TwoOperators.PUPIL_A, day, week == 3 ? 55 : 30);
      if (week % 2 == 0) {
        post(
            operatorB,
            Events.event("run.cancelled", at(day, 7, 30)).put("runId", rb).put("reason", "ill"));
      } else {
        deliver(operatorB, rb, TwoOperators.PUPIL_B, day, 38);
      }
      List<JsonObject> calls = new ArrayList<>();
      for (int c = 0; c < 10; c++) {
        String id = "H" + week + "-" + c;
        calls.add(Events.event("call.offered", at(day, 9, c)).put("callId", id));
        String outcome = c < 10 - week % 4 ? "call.answered" : "call.abandoned";
        calls.add(Events.event(outcome, at(day, 9, c + 1)).put("callId", id));
      }
      post(telephony, calls.toArray(JsonObject[]::new));
      String weekEnding = day.plusDays(4).toString();
      HttpResponse<Buffer> snapshot =
          server
              .client
              .post("/api/v1/kpi/weekly/" + weekEnding)
              .putHeader("Authorization", "Bearer " + admin)
              .send()
              .await();
      assertThat(snapshot.statusCode()).as(snapshot.bodyAsString()).isEqualTo(200);
    }
  }

  /** A run started at 07:55 that picks its pupil up at 08:10 and arrives at 08:MM. */
  private static void deliver(String key, String run, String pupil, LocalDate day, int arrived) {
    post(
        key,
        Events.event("run.started", at(day, 7, 55)).put("runId", run),
        Events.event("pupil.boarded", at(day, 8, 10))
            .put("runId", run)
            .put("pupilId", pupil)
            .put("stopId", "H1"),
        Events.event("run.arrived", at(day, 8, arrived)).put("runId", run).put("stopId", "SCH1"));
  }

  private static void post(String key, JsonObject... events) {
    Events.store(server, key, events);
  }

  /** Live updates replace elements while the test looks at them: look again, then. */
  private static WebDriverWait waiting(Duration timeout) {
    WebDriverWait wait = new WebDriverWait(browser, timeout);
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /** Reads from the page, looking again if a live update replaced the element meanwhile. */
  private static <T> T read(Function<WebDriver, T> look) {
    return waiting(Duration.ofSeconds(5)).until(look);
  }

  private static WebElement visible(By by) {
    return waiting(Duration.ofSeconds(15)).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  /** Logs in through the form with the keyboard only, and waits for the live view. */
  private static void logIn(String email) {
    browser.get(base);
    WebElement emailField = visible(By.id("login-email"));
    emailField.sendKeys(email);
    emailField.sendKeys(Keys.TAB);
    browser.switchTo().activeElement().sendKeys(PASSWORD);
    browser.switchTo().activeElement().sendKeys(Keys.ENTER);
    waiting(Duration.ofSeconds(20))
        .until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-state", "live"));
  }

  private static void logOut() {
    browser.findElement(By.id("logout")).click();
    waiting(Duration.ofSeconds(10))
        .until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-state", "login"));
  }

  private static String kpiCell(String kpi, String column) {
    return read(
        d ->
            d.findElement(
                    By.cssSelector(
                        "#kpi-weekly tr[data-kpi='" + kpi + "'] td[data-column='" + column + "']"))
                .getText());
  }

  /** Runs fetch() in the page (so with the browser's own cookie) and answers the status. */
  private static long fetchStatus(String method, String path, String csrfToken) {
    Object status =
        ((JavascriptExecutor) browser)
            .executeAsyncScript(
                "const [method, path, token, done] = arguments;"
                    + "const headers = {'Content-Type': 'application/json'};"
                    + "if (token) headers['X-CSRF-Token'] = token;"
                    + "fetch(path, {method, headers, body: method === 'GET' ? undefined : '{}'})"
                    + ".then(r => done(r.status), e => done(-1));",
                method,
                path,
                csrfToken);
    return (Long) status;
  }

  private static JsonObject alertFromApi(long id) {
    return server.get("/api/v1/alerts/" + id, admin).bodyAsJsonObject();
  }

  @Test
  @Order(1)
  @DisplayName(
      "A controller logs in with the keyboard and sees who they are, the run board, phones,"
          + " compliance and a pupil's run")
  void logInAndSeeTheBoard() {
    clock.set(Instant.parse("2026-11-23T08:05:00Z"));
    logIn(CONTROLLER);
    assertThat(browser.findElement(By.id("who-email")).getText()).isEqualTo(CONTROLLER);
    assertThat(browser.findElement(By.id("who-role")).getText()).isEqualTo("controller");
    assertThat(browser.findElement(By.id("kpi-tab")).isDisplayed())
        .as("KPIs are for managers")
        .isFalse();

    List<String> runIds =
        read(
            d ->
                d.findElements(By.cssSelector("#board-rows tr")).stream()
                    .map(r -> r.getAttribute("data-run-id"))
                    .toList());
    assertThat(runIds).containsExactlyInAnyOrder(TwoOperators.RUN_A, TwoOperators.RUN_B);
    assertThat(browser.findElement(By.id("phones-body")).getText())
        .contains("Offered\n3", "Answered\n1", "Abandoned\n1", "Waiting now\n1");
    assertThat(
            ControlRoomPageTest.<List<String>>read(
                d ->
                    d
                        .findElement(By.cssSelector("#compliance-body tr[data-operator='OPA']"))
                        .findElements(By.tagName("td"))
                        .stream()
                        .map(WebElement::getText)
                        .toList()))
        .as("OPA: 3 crew, A-D2 not cleared, no DBS or badge findings")
        .containsExactly("3", "1 ⚠", "0", "0");

    // Not-started alerts (no run.started by 08:00) come from the monitor's tick: they sort first.
    waiting(Duration.ofSeconds(10))
        .until(
            d ->
                d.findElements(By.cssSelector("#board-rows tr.not-started")).size() == 2
                    && d.findElements(By.cssSelector("#alert-list li[data-type='run.not_started']"))
                            .size()
                        == 2);
    assertThat(
            ControlRoomPageTest.<String>read(
                d -> d.findElement(By.cssSelector("#board-rows tr")).getText()))
        .contains("NOT STARTED");

    Browser.screenshot(browser, "board");

    WebElement pupil = browser.findElement(By.id("pupil-id"));
    pupil.sendKeys(TwoOperators.PUPIL_A, Keys.ENTER);
    waiting(Duration.ofSeconds(10))
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("pupil-result"), TwoOperators.RUN_A));
    assertThat(browser.findElement(By.id("pupil-result")).getText())
        .contains("Planned", "arrive by 08:40", "Pick-up planned\n08:10 at H1");
  }

  @Test
  @Order(2)
  @DisplayName(
      "An alert raised by an operator's event appears in the feed within 2 s without a reload,"
          + " critical first")
  void alertAppearsLive() {
    ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");
    waiting(Duration.ofSeconds(10))
        .until(ExpectedConditions.textToBe(By.id("stream-state"), "● live"));
    JsonObject assigned =
        Events.event("crew.assigned", "2026-11-23T08:06:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("driverId", TwoOperators.UNCLEARED_DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", "BX19 ABC");
    post(operatorA, assigned);
    By critical = By.cssSelector("#alert-list li[data-type='crew.dbs_not_cleared']");
    waiting(Duration.ofSeconds(2)).until(ExpectedConditions.visibilityOfElementLocated(critical));
    assertThat(((JavascriptExecutor) browser).executeScript("return window.notReloaded === true"))
        .isEqualTo(true);
    assertThat(ControlRoomPageTest.<String>read(d -> d.findElement(critical).getText()))
        .contains("◆ CRITICAL", "Open", "Run RA-AM", "Crew A-D2");
    assertThat(
            ControlRoomPageTest.<String>read(
                d -> d.findElement(By.cssSelector("#alert-list li")).getAttribute("data-type")))
        .as("critical alerts come first")
        .isEqualTo("crew.dbs_not_cleared");
    alertId = Long.parseLong(read(d -> d.findElement(critical).getAttribute("data-alert-id")));
    Browser.screenshot(browser, "alerts");
  }

  @Test
  @Order(3)
  @DisplayName("Acknowledging from the page records the logged-in user, on the page and in the API")
  void acknowledgeFromThePage() {
    By item = By.cssSelector("#alert-list li[data-alert-id='" + alertId + "']");
    browser
        .findElement(
            By.cssSelector("#alert-list li[data-alert-id='" + alertId + "'] .alert-toggle"))
        .click();
    visible(By.id("note-" + alertId)).sendKeys("Calling the operator");
    browser
        .findElement(
            By.cssSelector(
                "#alert-list li[data-alert-id='"
                    + alertId
                    + "'] button[data-action='acknowledge']"))
        .click();
    waiting(Duration.ofSeconds(5))
        .until(ExpectedConditions.attributeToBe(item, "data-state", "acknowledged"));
    assertThat(ControlRoomPageTest.<String>read(d -> d.findElement(item).getText()))
        .contains("Acknowledged by " + CONTROLLER)
        .doesNotContain("Acknowledge\n");
    JsonObject stored = alertFromApi(alertId);
    assertThat(stored.getString("state")).isEqualTo("acknowledged");
    assertThat(stored.getString("acknowledgedBy")).isEqualTo(CONTROLLER);
  }

  @Test
  @Order(4)
  @DisplayName(
      "A POST from the browser with its session cookie but without (or with a wrong) CSRF token"
          + " is refused with 403 and changes nothing")
  void csrfRefused() {
    String resolve = "/api/v1/alerts/" + alertId + "/resolve";
    assertThat(fetchStatus("POST", resolve, null)).isEqualTo(403);
    assertThat(fetchStatus("POST", resolve, "not-the-token")).isEqualTo(403);
    assertThat(alertFromApi(alertId).getString("state")).isEqualTo("acknowledged");
    assertThat(fetchStatus("GET", "/api/v1/session", null))
        .as("reading needs no token")
        .isEqualTo(200);
  }

  @Test
  @Order(5)
  @DisplayName(
      "The session cookie is HttpOnly and SameSite=Strict; logging out ends the session, so the"
          + " old cookie gets 401 from the API")
  void logoutEndsTheSession() {
    Cookie cookie = browser.manage().getCookieNamed("tw_session");
    assertThat(cookie.isHttpOnly()).isTrue();
    assertThat(cookie.getSameSite()).isEqualTo("Strict");
    assertThat(cookie.getPath()).isEqualTo("/");
    assertThat(((JavascriptExecutor) browser).executeScript("return document.cookie"))
        .as("scripts cannot read it")
        .isEqualTo("");
    controllerCookie = cookie.getValue();
    SessionLogin old = new SessionLogin(server, controllerCookie, null);
    assertThat(old.get("/api/v1/alerts").statusCode()).isEqualTo(200);

    logOut();
    assertThat(browser.findElement(By.id("login-message")).getText()).contains("logged out");
    assertThat(old.get("/api/v1/alerts").statusCode()).isEqualTo(401);
    assertThat(old.get("/api/v1/session").statusCode()).isEqualTo(401);
    assertThat(fetchStatus("GET", "/api/v1/runs", null)).isEqualTo(401);
  }

  @Test
  @Order(6)
  @DisplayName(
      "A viewer sees the alerts without acknowledge or resolve buttons, and the API refuses them"
          + " the change (403); an alert email's link opens the page on its alert")
  void viewerCannotAct() {
    logIn(VIEWER);
    By item = By.cssSelector("#alert-list li[data-alert-id='" + alertId + "']");
    visible(item);
    assertThat(browser.findElements(By.cssSelector("#alert-list button[data-action]"))).isEmpty();
    assertThat(browser.findElement(By.id("who-role")).getText()).isEqualTo("viewer");
    String token =
        (String)
            ((JavascriptExecutor) browser)
                .executeAsyncScript(
                    "const done = arguments[0];"
                        + "fetch('/api/v1/session').then(r => r.json()).then(s => done(s.csrfToken));");
    assertThat(fetchStatus("POST", "/api/v1/alerts/" + alertId + "/resolve", token)).isEqualTo(403);
    assertThat(alertFromApi(alertId).getString("state")).isEqualTo("acknowledged");

    // An alert email's link opens the page on that alert, with the keyboard on it.
    browser.get(base + "#/alerts/" + alertId);
    browser.navigate().refresh();
    visible(By.id("detail-alert-" + alertId));
    waiting(Duration.ofSeconds(15))
        .until(
            d ->
                String.valueOf(alertId)
                    .equals(
                        ((JavascriptExecutor) d)
                            .executeScript(
                                "return document.activeElement.getAttribute('data-alert-id')")));
    assertThat(
            ((JavascriptExecutor) browser)
                .executeScript("return document.activeElement.getAttribute('data-alert-id')"))
        .isEqualTo(String.valueOf(alertId));
    logOut();
  }

  @Test
  @Order(7)
  @DisplayName(
      "A manager's KPI view shows the weekly table and charts of the weeks with snapshots;"
          + " laptop and wall-screen layouts render")
  void kpiView() throws Exception {
    logIn(MANAGER);
    WebElement tab = browser.findElement(By.id("kpi-tab"));
    assertThat(tab.isDisplayed()).isTrue();
    tab.click();
    waiting(Duration.ofSeconds(20))
        .until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-kpi", "ready"));
    // Six weeks side by side, each percentage with what it counts, then this week and today.
    assertThat(
            ControlRoomPageTest.<List<String>>read(
                d ->
                    d.findElements(By.cssSelector("#kpi-weekly thead th[data-column]")).stream()
                        .map(e -> e.getAttribute("data-column"))
                        .toList()))
        .containsExactly(
            "2026-10-16",
            "2026-10-23",
            "2026-10-30",
            "2026-11-06",
            "2026-11-13",
            "2026-11-20",
            "week-so-far",
            "today");
    // Week ending 20 Nov (week 1): both runs on time; 10 calls, 9 answered.
    assertThat(kpiCell("routePerformance", "2026-11-20")).isEqualTo("100.00% (2/2)");
    assertThat(kpiCell("routeTimePerformance", "2026-11-20")).isEqualTo("100.00% (2/2)");
    assertThat(kpiCell("telephonePerformance", "2026-11-20")).isEqualTo("90.00% (9/10)");
    // Week ending 13 Nov (week 2): operator B cancelled its run.
    assertThat(kpiCell("routePerformance", "2026-11-13")).isEqualTo("50.00% (1/2)");
    assertThat(
            browser
                .findElement(By.cssSelector("#kpi-weekly th[data-column='week-so-far']"))
                .getText())
        .contains("Week to 2026-11-27", "so far, not final");
    assertThat(
            TestPostgres.count(
                server.database,
                "select count(*) from kpi_weekly_snapshot where week_ending = '2026-11-27'"))
        .as("the week so far is shown, not stored")
        .isZero();
    // Both routes are Hillcrest's: its two runs planned, delivered and on time.
    assertThat(browser.findElement(By.id("kpi-schools")).getText())
        .contains("School Name Planned Delivered On time", "SCH1 Hillcrest School 2 2 2");
    Object points =
        ((JavascriptExecutor) browser)
            .executeScript(
                "const c = Chart.getChart(document.getElementById('chart-performance'));"
                    + "return c ? c.data.datasets.map(d => d.data.length) : null;");
    assertThat(points).isEqualTo(List.of(6L, 6L, 6L, 6L));
    assertThat(browser.findElement(By.id("trend-message")).getText())
        .isEqualTo("6 of the 12 weeks to 2026-11-20 have a snapshot.");
    Browser.screenshot(browser, "kpi");
    Accessibility.assertNoViolations(browser, "the KPI view");

    browser.findElement(By.id("live-tab")).click();
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 800));
    visible(By.id("board-rows"));
    Browser.screenshot(browser, "board-laptop");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1920, 1080));
    for (String name : List.of("board", "alerts", "kpi", "board-laptop")) {
      Path file = Path.of("target", "screenshots", name + ".png");
      assertThat(Files.size(file)).as(name).isGreaterThan(10_000);
    }
    logOut();
  }
}
