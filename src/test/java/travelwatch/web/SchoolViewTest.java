package travelwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
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
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.Pupil;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.Stop;
import travelwatch.plan.PlanJson;
import travelwatch.school.SchoolFixture;
import travelwatch.support.Accessibility;
import travelwatch.support.Browser;
import travelwatch.support.Contract;
import travelwatch.support.Events;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

/**
 * A school's office on the control-room page, in a real headless Chromium at a tablet's size,
 * against a real server on a virtual clock (the page only reads the service's times): the school's
 * login sees its own runs and pupils and nothing of the control room, follows the morning as the
 * operator reports it without reloading, and tells the control room a pupil has not arrived.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The school's view on the control-room page, in a real browser on a tablet")
class SchoolViewTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PASSWORD = "a long enough password";
  private static final String SCHOOL_USER = "reception@hillcrest.example";
  private static final String VIEWER = "viewer@council.example";
  private static final String RUN = TwoOperators.RUN_A;
  private static final String SECOND_RUN = "RA-AM2";
  private static final String DEPARTURE = "RA-PM";
  private static final String FIRST = TwoOperators.PUPIL_A;
  private static final String SECOND = SchoolFixture.SECOND_PUPIL;
  private static final String THIRD = "P-A3";
  private static final String REPORT_TEXT = "Not in class; her mother says she got on the bus.";

  /** What the school may call; anything else from its page is a request the school is refused. */
  private static final List<String> SCHOOL_PATHS =
      List.of(
          // The login page's ways in, read before anyone signs in.
          "/api/v1/sign-in",
          "/api/v1/session",
          "/api/v1/schools/SCH1/today",
          "/api/v1/schools/SCH1/reports",
          "/api/v1/stream");

  @TempDir static Path profile;
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:30:00Z"));
  private static final List<Response> responses = new ArrayList<>();
  private static TestServer server;
  private static ChromeDriver browser;
  private static String admin;
  private static String operatorA;
  private static String operatorB;
  private static String base;

  /** A response the browser got, from the DevTools protocol's Network events. */
  record Response(String path, long status) {}

  @BeforeAll
  static void start() {
    Browser.requireInstalled();
    server =
        new TestServer(
            Map.of(
                "TW_MONITOR_TICK_MS",
                "200",
                "TW_STREAM_HEARTBEAT_SECONDS",
                "1",
                // Sessions time out on the service's clock, which this test moves by hours.
                "TW_SESSION_IDLE_MINUTES",
                "720"),
            clock);
    base = "http://localhost:" + server.port + "/";
    admin = server.scopeKey(Scope.ADMIN);
    HttpResponse<Buffer> plan = server.post("/api/v1/plan", admin, PlanJson.write(plan()));
    assertThat(plan.statusCode()).as(plan.bodyAsString()).isEqualTo(200);
    operatorA = server.operatorKey("OPA");
    operatorB = server.operatorKey("OPB");
    HttpResponse<Buffer> added =
        server.post(
            "/api/v1/users",
            admin,
            new JsonObject()
                .put("email", SCHOOL_USER)
                .put("role", "school")
                .put("schoolId", "SCH1")
                .put("password", PASSWORD));
    assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
    SessionLogin.addUser(server, VIEWER, Role.VIEWER, PASSWORD);
    browser = Browser.start(profile, 1024, 768, true);
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

  /**
   * The schools' fixture (Hillcrest's morning run with two pupils, Meadow's with one), and for
   * Hillcrest a second arrival with a third pupil and an afternoon run home for the first two.
   */
  private static Plan plan() {
    Plan fixture = SchoolFixture.plan();
    List<Pupil> pupils = new ArrayList<>(fixture.pupils());
    pupils.add(new Pupil(THIRD, "SCH1", Optional.empty()));
    List<Run> runs = new ArrayList<>(fixture.runs());
    runs.add(
        new Run(
            SECOND_RUN,
            "RA",
            TwoOperators.DATE,
            Direction.AM,
            LocalTime.of(8, 45),
            Optional.of(TwoOperators.DRIVER_A),
            Optional.of(TwoOperators.GUIDE_A),
            List.of(
                new Stop("H3", 1, 52.51, -1.93, LocalTime.of(8, 5), List.of(THIRD), List.of()),
                new Stop(
                    "SCH1", 2, 52.48, -1.89, LocalTime.of(8, 40), List.of(), List.of(THIRD)))));
    runs.add(
        new Run(
            DEPARTURE,
            "RA",
            TwoOperators.DATE,
            Direction.PM,
            LocalTime.of(15, 45),
            Optional.of(TwoOperators.DRIVER_A),
            Optional.of(TwoOperators.GUIDE_A),
            List.of(
                new Stop(
                    "SCH1",
                    1,
                    52.48,
                    -1.89,
                    LocalTime.of(15, 15),
                    List.of(FIRST, SECOND),
                    List.of()),
                new Stop("H1", 2, 52.50, -1.90, LocalTime.of(15, 35), List.of(), List.of(FIRST)),
                new Stop(
                    "H2", 3, 52.49, -1.91, LocalTime.of(15, 40), List.of(), List.of(SECOND)))));
    return new Plan(
        fixture.operators(), fixture.schools(), pupils, fixture.crew(), fixture.routes(), runs);
  }

  private static JsonObject a(String run, String type, String at) {
    return Events.event(type, at).put("runId", run);
  }

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
    return waiting(WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  private static By pupil(String run, String pupilId) {
    return By.cssSelector(
        "li.run-card[data-run-id='" + run + "'] li.pupil[data-pupil-id='" + pupilId + "']");
  }

  private static By card(String run) {
    return By.cssSelector("li.run-card[data-run-id='" + run + "']");
  }

  /** Waits until the pupil's row on the run says the state, in words and as data. */
  private static void awaitPupil(String run, String pupilId, String state, String words) {
    waiting(WAIT)
        .withMessage(() -> "pupil " + pupilId + " on " + run + " to be shown as " + state)
        .until(
            d -> {
              List<WebElement> rows = d.findElements(pupil(run, pupilId));
              return rows.size() == 1
                  && state.equals(rows.get(0).getAttribute("data-state"))
                  && rows.get(0).findElement(By.className("pupil-state")).getText().equals(words);
            });
  }

  private static String text(By by) {
    return read(d -> d.findElement(by).getText());
  }

  /** The runs listed, in the page's order. */
  private static List<String> runIds(String listId) {
    return SchoolViewTest.<List<String>>read(
        d ->
            d.findElements(By.cssSelector("#" + listId + " li.run-card")).stream()
                .map(e -> e.getAttribute("data-run-id"))
                .toList());
  }

  /** The ids of the two directions' sections, in the order the page has them. */
  private static List<String> sectionOrder() {
    return read(
        d ->
            d.findElements(By.cssSelector("#school-runs > section")).stream()
                .map(e -> e.getAttribute("id"))
                .toList());
  }

  /** Every response the browser got since the last look, kept for the whole test. */
  private static List<Response> networkResponses() {
    for (LogEntry entry : browser.manage().logs().get(LogType.PERFORMANCE)) {
      JsonObject message = new JsonObject(entry.getMessage()).getJsonObject("message");
      if (!"Network.responseReceived".equals(message.getString("method"))) {
        continue;
      }
      JsonObject response = message.getJsonObject("params").getJsonObject("response");
      URI url = URI.create(response.getString("url"));
      if ("http".equals(url.getScheme())) {
        responses.add(new Response(url.getPath(), response.getLong("status")));
      }
    }
    return List.copyOf(responses);
  }

  private static void logIn(String email) {
    browser.get(base);
    WebElement emailField = visible(By.id("login-email"));
    emailField.sendKeys(email);
    emailField.sendKeys(Keys.TAB);
    browser.switchTo().activeElement().sendKeys(PASSWORD);
    browser.switchTo().activeElement().sendKeys(Keys.ENTER);
    waiting(WAIT).until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-state", "live"));
  }

  @Test
  @Order(1)
  @DisplayName(
      "The school's login sees its name, its arrivals first in the morning with both pupils"
          + " expected, and none of the control room's panels")
  void schoolSeesOnlyItsView() {
    logIn(SCHOOL_USER);
    assertThat(browser.findElement(By.tagName("body")).getAttribute("data-view"))
        .isEqualTo("school");
    assertThat(text(By.id("school-name"))).isEqualTo("Hillcrest School");
    assertThat(browser.findElement(By.id("who-role")).getText()).isEqualTo("school");
    for (String panel :
        List.of(
            "views",
            "live",
            "kpi",
            "board",
            "alerts",
            "messages",
            "phones",
            "compliance",
            "pupil",
            "board-rows",
            "alert-list",
            "kpi-tab")) {
      assertThat(browser.findElements(By.id(panel)))
          .as("the control room's #%s is not in the page", panel)
          .isEmpty();
    }
    assertThat(sectionOrder())
        .as("before noon, arrivals come first")
        .containsExactly("school-arrivals", "school-departures");

    visible(card(RUN));
    assertThat(runIds("arrivals-list")).containsExactly(RUN, SECOND_RUN);
    assertThat(runIds("departures-list")).containsExactly(DEPARTURE);
    awaitPupil(RUN, FIRST, "expected", "○ Expected");
    awaitPupil(RUN, SECOND, "expected", "○ Expected");
    assertThat(text(card(RUN)))
        .contains("Run " + RUN, "Not started yet", "Due at school by\n08:40", "not known yet");

    // What the page shows is the API's answer, and that answer is what openapi.yaml says.
    SessionLogin school = SessionLogin.of(server, SCHOOL_USER, PASSWORD);
    JsonObject today = school.get("/api/v1/schools/SCH1/today").bodyAsJsonObject();
    assertThat(today.getString("at")).isEqualTo("2026-11-23T07:30:00Z");
    Contract contract = new Contract();
    for (String direction : List.of("arrivals", "departures")) {
      for (Object run : today.getJsonArray(direction)) {
        contract.assertValid("SchoolRun", (JsonObject) run);
      }
    }
  }

  @Test
  @Order(2)
  @DisplayName(
      "As the operator reports the morning, the pupils' states change on the screen without a"
          + " reload: on board and absent, then dropped here and, prominently, dropped elsewhere;"
          + " the other school's run is nowhere in the page")
  void pupilsMoveLive() {
    browser.executeScript("window.notReloaded = true;");
    waiting(WAIT).until(ExpectedConditions.textToBe(By.id("school-stream"), "● live"));

    clock.set(Instant.parse("2026-11-23T08:20:00Z"));
    Events.store(
        server,
        operatorB,
        a(TwoOperators.RUN_B, "run.started", "2026-11-23T08:00:00Z")
            .put("driverId", TwoOperators.DRIVER_B)
            .put("vehicleReg", "BK20 XYZ"),
        a(TwoOperators.RUN_B, "run.cancelled", "2026-11-23T08:05:00Z").put("reason", "breakdown"));
    Events.store(
        server,
        operatorA,
        a(RUN, "run.started", "2026-11-23T07:55:00Z")
            .put("driverId", TwoOperators.DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", "BX19 ABC"),
        a(RUN, "pupil.boarded", "2026-11-23T08:00:00Z").put("pupilId", FIRST).put("stopId", "H1"),
        a(RUN, "pupil.absent", "2026-11-23T08:10:00Z").put("pupilId", SECOND).put("reason", "ill"),
        a(SECOND_RUN, "run.started", "2026-11-23T08:00:00Z")
            .put("driverId", TwoOperators.DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", "BX21 DEF"),
        a(SECOND_RUN, "pupil.boarded", "2026-11-23T08:05:00Z")
            .put("pupilId", THIRD)
            .put("stopId", "H3"));
    awaitPupil(RUN, FIRST, "boarded", "● On board");
    awaitPupil(RUN, SECOND, "absent", "– Absent");
    assertThat(text(card(RUN))).contains("On the way to school", "Vehicle\nBX19 ABC");
    assertThat(text(By.id("school-changes")))
        .as("the changes are said in a polite live region")
        .contains("pupil " + FIRST + " on board (run " + RUN + ")");
    assertThat(browser.findElement(By.id("school-changes")).getAttribute("aria-live"))
        .isEqualTo("polite");

    clock.set(Instant.parse("2026-11-23T08:34:00Z"));
    Events.store(
        server,
        operatorA,
        a(RUN, "pupil.dropped", "2026-11-23T08:34:00Z").put("pupilId", FIRST).put("stopId", "SCH1"),
        a(RUN, "run.arrived", "2026-11-23T08:34:00Z").put("stopId", "SCH1"),
        a(SECOND_RUN, "pupil.dropped", "2026-11-23T08:30:00Z")
            .put("pupilId", THIRD)
            .put("stopId", "H1"));
    awaitPupil(RUN, FIRST, "dropped_here", "✓ Dropped here at school");
    awaitPupil(SECOND_RUN, THIRD, "dropped_elsewhere", "⚠ Dropped elsewhere, not at school");
    assertThat(text(card(RUN))).contains("Arrived at school");
    WebElement attention = visible(By.id("school-attention"));
    assertThat(attention.getText())
        .contains("Pupil " + THIRD + " was dropped elsewhere, not at school (run " + SECOND_RUN);
    assertThat(
            browser.executeScript(
                "return document.getElementById('school-attention').compareDocumentPosition("
                    + "document.getElementById('school-runs')) & Node.DOCUMENT_POSITION_FOLLOWING"))
        .as("what needs attention is above the runs")
        .isNotEqualTo(0L);
    assertThat(browser.executeScript("return window.notReloaded === true")).isEqualTo(true);

    // Meadow's run was cancelled meanwhile: the control room has the alert, the school nothing.
    waiting(WAIT)
        .until(
            d ->
                server
                    .get("/api/v1/alerts?state=open", admin)
                    .bodyAsJsonObject()
                    .getJsonArray("items")
                    .stream()
                    .map(JsonObject.class::cast)
                    .anyMatch(
                        al ->
                            "run.cancelled".equals(al.getString("type"))
                                && TwoOperators.RUN_B.equals(al.getString("runId"))));
    String source = browser.getPageSource();
    assertThat(source).contains(SECOND_RUN, THIRD);
    assertThat(source)
        .doesNotContain(
            TwoOperators.RUN_B, TwoOperators.PUPIL_B, SchoolFixture.OTHER_SCHOOL, "Meadow");
  }

  @Test
  @Order(3)
  @DisplayName(
      "The report form, open, is clean for axe-core and fits a tablet either way round with"
          + " targets of 44 px; a missing pupil is said beside its field; the report of a pupil"
          + " dropped elsewhere says it was raised as critical")
  void reportAPupilNotArrived() throws Exception {
    WebElement toggle = browser.findElement(By.id("report-toggle"));
    assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("false");
    toggle.click();
    visible(By.id("report-form"));
    assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("true");
    assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("report-category");
    List<String> runChoices =
        new Select(browser.findElement(By.id("report-run")))
            .getOptions().stream().map(o -> o.getAttribute("value")).toList();
    assertThat(runChoices).containsExactly("", RUN, SECOND_RUN, DEPARTURE);

    Accessibility.assertNoViolations(browser, "the school's view, report form open, 1024×768");
    Path landscape = Browser.screenshot(browser, "school-1024x768");
    assertTouchTargets();
    browser.manage().window().setSize(new Dimension(768, 1024));
    visible(By.id("report-form"));
    Accessibility.assertNoViolations(browser, "the school's view, report form open, 768×1024");
    Path portrait = Browser.screenshot(browser, "school-768x1024");
    assertTouchTargets();
    for (Path file : List.of(landscape, portrait)) {
      assertThat(Files.size(file)).as(file.toString()).isGreaterThan(10_000);
    }

    // Not arrived, but which pupil? Said beside the pupil's field, and nothing is sent.
    new Select(browser.findElement(By.id("report-category"))).selectByValue("pupil_not_arrived");
    new Select(browser.findElement(By.id("report-run"))).selectByValue(SECOND_RUN);
    WebElement text = browser.findElement(By.id("report-text"));
    text.sendKeys(REPORT_TEXT);
    assertThat(text(By.id("report-text-count")))
        .isEqualTo("You have " + (1000 - REPORT_TEXT.length()) + " characters left.");
    browser.findElement(By.id("report-send")).click();
    WebElement pupilField = browser.findElement(By.id("report-pupil"));
    waiting(WAIT)
        .until(
            ExpectedConditions.textToBe(
                By.id("report-pupil-error"), "Choose the pupil who has not arrived."));
    assertThat(pupilField.getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(pupilField.getAttribute("aria-describedby")).contains("report-pupil-error");
    assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("report-pupil");
    assertThat(text(By.id("report-message"))).contains("not sent");
    assertThat(reports()).isEmpty();

    // The chosen run's pupils, with their state, to choose from.
    Select pupils = new Select(pupilField);
    assertThat(pupils.getOptions().stream().map(WebElement::getText).toList())
        .containsExactly("No particular pupil", THIRD + ": dropped elsewhere");
    pupils.selectByValue(THIRD);
    browser.findElement(By.id("report-send")).click();
    WebElement confirmation =
        waiting(WAIT)
            .until(
                ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#report-confirmation .severity")));
    assertThat(text(By.id("report-confirmation")))
        .contains("The control room has your report", "pupil " + THIRD, "raised as critical");
    assertThat(confirmation.getAttribute("class")).contains("critical");
    assertThat(browser.findElement(By.id("report-pupil-error")).getText()).isEmpty();
    assertThat(browser.findElement(By.id("report-pupil")).getAttribute("aria-invalid")).isNull();

    JsonArray kept = reports();
    assertThat(kept).hasSize(1);
    JsonObject report = kept.getJsonObject(0);
    assertThat(report.getString("text")).isEqualTo(REPORT_TEXT);
    assertThat(report.getString("pupilId")).isEqualTo(THIRD);
    assertThat(report.getString("runId")).isEqualTo(SECOND_RUN);
    assertThat(report.getString("category")).isEqualTo("pupil_not_arrived");
    JsonObject alert =
        server.get("/api/v1/alerts/" + report.getLong("alertId"), admin).bodyAsJsonObject();
    assertThat(alert.getString("type")).isEqualTo("school.pupil_not_arrived");
    assertThat(alert.getString("severity")).isEqualTo("critical");
    browser.manage().window().setSize(new Dimension(1024, 768));
  }

  private static JsonArray reports() {
    return server
        .get("/api/v1/schools/SCH1/reports", admin)
        .bodyAsJsonObject()
        .getJsonArray("items");
  }

  /** Every control the school's staff can touch is at least 44 px high and wide. */
  @SuppressWarnings("unchecked")
  private static void assertTouchTargets() {
    List<String> small =
        (List<String>)
            browser.executeScript(
                "return [...document.querySelectorAll("
                    + "'#school button, #school select, #school textarea, #who button')]"
                    + ".filter(e => e.offsetParent !== null)"
                    + ".map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect()])"
                    + ".filter(([, r]) => r.height < 44 || r.width < 44)"
                    + ".map(([name, r]) => name + ' ' + r.width + 'x' + r.height);");
    assertThat(small).as("controls smaller than 44 px").isEmpty();
    Long controls =
        (Long)
            browser.executeScript(
                "return document.querySelectorAll('#school button, #school select').length");
    assertThat(controls).isGreaterThan(5L);
  }

  @Test
  @Order(4)
  @DisplayName(
      "In the afternoon, by the service's clock, departures come first; a cancelled run, and one"
          + " past its arrive-by time that has not arrived, say so in words at the top")
  void afternoonDeparturesFirst() {
    clock.set(Instant.parse("2026-11-23T13:00:00Z"));
    Events.store(
        server,
        operatorA,
        a(DEPARTURE, "run.cancelled", "2026-11-23T13:00:00Z").put("reason", "vehicle off road"));
    waiting(WAIT)
        .withMessage("departures to come first after noon")
        .until(d -> sectionOrder().equals(List.of("school-departures", "school-arrivals")));
    waiting(WAIT)
        .until(ExpectedConditions.attributeToBe(card(DEPARTURE), "data-status", "cancelled"));
    assertThat(text(card(DEPARTURE))).contains("✕ Cancelled");
    // The second arrival started at 08:00, was due by 08:45 and has not arrived: late, and first.
    assertThat(runIds("arrivals-list")).containsExactly(SECOND_RUN, RUN);
    assertThat(text(card(SECOND_RUN)))
        .contains("» 255 min late", "Timing\n255 min late", "overdue: was expected about 08:");
    assertThat(text(By.id("attention-list"))).contains("» Run " + SECOND_RUN + " is 255 min late.");
    assertThat(text(By.id("attention-list"))).contains("✕ Run " + DEPARTURE + " is cancelled.");
    assertThat(browser.getPageSource()).doesNotContain("vehicle off road");
    Accessibility.assertNoViolations(browser, "the school's view in the afternoon");
    Browser.screenshot(browser, "school-afternoon");
  }

  @Test
  @Order(5)
  @DisplayName(
      "The school's page asked only for what a school may have: no request was refused, and none"
          + " went to the control room's API")
  void noRequestTheSchoolIsRefused() {
    List<Response> seen = networkResponses();
    List<String> api =
        seen.stream().map(Response::path).filter(p -> p.startsWith("/api/")).distinct().toList();
    assertThat(api)
        .as("the network log saw the page's reads and its report")
        .contains("/api/v1/schools/SCH1/today", "/api/v1/stream", "/api/v1/schools/SCH1/reports");
    assertThat(api).allSatisfy(path -> assertThat(SCHOOL_PATHS).contains(path));
    assertThat(seen.stream().filter(r -> r.status() == 403).toList())
        .as("responses refused with 403")
        .isEmpty();
  }

  @Test
  @Order(6)
  @DisplayName(
      "After the school logs out, a control-room viewer logs in on the same page without a reload"
          + " and gets the control room, with no school view")
  void staffGetTheControlRoomBack() {
    browser.executeScript("window.notReloaded = true;");
    browser.findElement(By.id("logout")).click();
    waiting(WAIT)
        .until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-state", "login"));
    assertThat(browser.findElements(By.id("board"))).hasSize(1);
    WebElement email = visible(By.id("login-email"));
    email.clear();
    email.sendKeys(VIEWER);
    email.sendKeys(Keys.TAB);
    browser.switchTo().activeElement().sendKeys(PASSWORD, Keys.ENTER);
    waiting(WAIT).until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-state", "live"));
    assertThat(browser.executeScript("return window.notReloaded === true")).isEqualTo(true);
    assertThat(browser.findElement(By.tagName("body")).getAttribute("data-view")).isNull();
    visible(By.cssSelector("#board-rows tr[data-run-id='" + TwoOperators.RUN_B + "']"));
    assertThat(browser.findElement(By.id("school")).isDisplayed()).isFalse();
    assertThat(browser.findElement(By.id("views")).isDisplayed()).isTrue();
    assertThat(text(By.cssSelector(".top h1"))).isEqualTo("TravelWatch control room");
  }
}
