package travelwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import travelwatch.access.Scope;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Crew;
import travelwatch.plan.Plan.CrewRole;
import travelwatch.plan.Plan.DbsCheck;
import travelwatch.plan.Plan.DbsOutcome;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.Operator;
import travelwatch.plan.Plan.Phase;
import travelwatch.plan.Plan.Pupil;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.School;
import travelwatch.plan.Plan.Stop;
import travelwatch.plan.PlanJson;
import travelwatch.support.Accessibility;
import travelwatch.support.Browser;
import travelwatch.support.JarProcess;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;

/**
 * The crew app on a phone-sized headless Chromium against a real server on the real clock (the
 * phone's clock stamps each tap): sign in with a code, record a run, lose the signal, get it back.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The crew app in a real browser: a run recorded, with and without signal")
class CrewAppTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String DRIVER = "CA-D1";

  @TempDir static Path profile;
  private static TestServer server;
  private static ChromeDriver browser;
  private static String admin;
  private static String operator;
  private static String base;
  private static LocalDate today;

  @BeforeAll
  static void start() {
    Browser.requireInstalled();
    JarProcess.awaitClearOfLondonMidnight(Duration.ofMinutes(15));
    server = new TestServer(Map.of("TW_MONITOR_TICK_MS", "200"), Clock.systemUTC());
    base = "http://localhost:" + server.port + "/";
    admin = server.scopeKey(Scope.ADMIN);
    HttpResponse<Buffer> planned = server.post("/api/v1/plan", admin, PlanJson.write(plan()));
    assertThat(planned.statusCode()).as(planned.bodyAsString()).isEqualTo(200);
    operator = server.operatorKey("OPC");
    browser = Browser.start(profile, 412, 915);
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

  /** Three runs for one driver today, each starting soon: one per test. */
  private static Plan plan() {
    ZonedDateTime now = ZonedDateTime.now(LONDON);
    today = now.toLocalDate();
    LocalTime t = now.toLocalTime().withSecond(0).withNano(0);
    // Late in the evening the run's times stop short of midnight: the run is on today's date.
    java.util.function.IntFunction<LocalTime> in =
        m -> {
          LocalTime later = t.plusMinutes(m);
          return later.isBefore(t) || later.isAfter(LocalTime.of(23, 58))
              ? LocalTime.of(23, 58)
              : later;
        };
    DbsCheck clear =
        new DbsCheck("001234567890", today.minusYears(1), DbsOutcome.CLEAR, true, true);
    List<Run> runs = new ArrayList<>();
    for (String id : List.of("CA-1", "CA-2", "CA-3", "CA-4")) {
      String p = id.substring(3);
      runs.add(
          new Run(
              id,
              "CR",
              today,
              Direction.AM,
              in.apply(50),
              Optional.of(DRIVER),
              Optional.empty(),
              List.of(
                  new Stop(
                      "H1",
                      1,
                      52.50,
                      -1.90,
                      in.apply(15),
                      List.of("P" + p + "a", "P" + p + "b"),
                      List.of()),
                  new Stop("H2", 2, 52.49, -1.895, in.apply(20), List.of("P" + p + "c"), List.of()),
                  new Stop(
                      "SCH",
                      3,
                      52.48,
                      -1.89,
                      in.apply(45),
                      List.of(),
                      List.of("P" + p + "a", "P" + p + "b", "P" + p + "c")))));
    }
    List<Pupil> pupils = new ArrayList<>();
    for (String p : List.of("1", "2", "3", "4")) {
      for (String s : List.of("a", "b", "c")) {
        pupils.add(new Pupil("P" + p + s, "SCHC", Optional.empty()));
      }
    }
    return new Plan(
        List.of(new Operator("OPC", "Canal Cars", "ops@canal.example")),
        List.of(
            new School(
                "SCHC",
                "Canalside School",
                52.48,
                -1.89,
                LocalTime.of(8, 50),
                LocalTime.of(15, 10),
                Phase.PRIMARY)),
        pupils,
        List.of(
            new Crew(
                DRIVER,
                "OPC",
                CrewRole.DRIVER,
                Optional.of(clear),
                Optional.empty(),
                Optional.empty())),
        List.of(new Route("CR", "OPC", "SCHC", false)),
        runs);
  }

  private static String newCode() {
    HttpResponse<Buffer> r =
        server.post("/api/v1/crew/" + DRIVER + "/sign-in-codes", operator, new JsonObject());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getString("code");
  }

  private static WebElement button(String text) {
    return browser.findElements(By.tagName("button")).stream()
        .filter(b -> b.getText().trim().equals(text) && b.isDisplayed())
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no button '" + text + "' on " + browser.getPageSource()));
  }

  /**
   * Taps the button; the app redraws the run's screen when an event is sent, so a button found a
   * moment ago may be gone: it is found again until the tap lands.
   */
  private static void tap(String text) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        button(text).click();
        return;
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  private static void awaitText(String what, String text) {
    JarProcess.await(
        what, WAIT, () -> browser.findElement(By.tagName("body")).getText().contains(text));
  }

  private static String sync() {
    return browser.findElement(By.id("sync")).getText();
  }

  private static List<String> storedTypes(String runId) {
    HttpResponse<Buffer> detail = server.get("/api/v1/runs/" + runId, admin);
    List<String> types = new ArrayList<>();
    for (Object o : detail.bodyAsJsonObject().getJsonArray("timeline")) {
      JsonObject e = (JsonObject) o;
      assertThat(e.getString("source")).as("source of %s", e.encode()).isEqualTo("crew");
      types.add(e.getString("type"));
    }
    return types;
  }

  private static void absent(String pupil) {
    open("Absent " + pupil);
    tap("Confirm " + pupil + " absent");
  }

  /** Opens the disclosure with this summary (found again if the screen was redrawn meanwhile). */
  private static void open(String summary) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        browser.findElements(By.tagName("summary")).stream()
            .filter(s -> s.getText().trim().equals(summary))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no '" + summary + "'"))
            .click();
        return;
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  /** Starts, boards a and b, marks c absent, drops a and b at school, arrives and completes. */
  private static void recordRun(String run, String p) {
    browser.findElement(By.cssSelector("button[data-run='" + run + "']")).click();
    awaitText("the run screen", "Start the run");
    Accessibility.assertNoViolations(browser, "the run screen before the start");
    browser.findElement(By.id("vehicle")).sendKeys("BX19 ABC");
    tap("Start run");
    awaitText("the pupils' buttons", "Boarded P" + p + "a");
    tap("Boarded P" + p + "a");
    awaitText("P" + p + "a on board", "Boarded P" + p + "b");
    tap("Boarded P" + p + "b");
    awaitText("the absent control", "Absent P" + p + "c");
    absent("P" + p + "c");
    awaitText("the drop-off buttons", "Dropped P" + p + "a here");
    Accessibility.assertNoViolations(browser, "the run screen during the run");
    tap("Dropped P" + p + "a here");
    awaitText("b's drop-off", "Dropped P" + p + "b here");
    tap("Dropped P" + p + "b here");
    tap("Arrived at school");
    awaitText("the completion button", "Completed");
    tap("Completed");
    awaitText("the run completed", "Status: completed");
  }

  private static final List<String> RUN_EVENTS =
      List.of(
          "run.started",
          "pupil.boarded",
          "pupil.boarded",
          "pupil.absent",
          "pupil.dropped",
          "pupil.dropped",
          "run.arrived",
          "run.completed");

  @Test
  @Order(1)
  @DisplayName(
      "Signed in with a code from a link, a driver records a whole run: the timeline holds exactly"
          + " those events from the crew app, in order, and the board shows it completed on time")
  void recordsARun() {
    browser.get(base + "crew/#code=" + newCode());
    awaitText("the sign-in form", "Sign-in code");
    Accessibility.assertNoViolations(browser, "the crew sign-in screen");
    Browser.screenshot(browser, "crew-sign-in");
    tap("Sign in");
    awaitText("today's runs", "Today's runs");
    Accessibility.assertNoViolations(browser, "the crew's today screen");
    Browser.screenshot(browser, "crew-today");
    recordRun("CA-1", "1");
    JarProcess.await("every event sent", WAIT, () -> sync().equals("All sent"));
    Browser.screenshot(browser, "crew-run-completed");
    assertThat(storedTypes("CA-1")).containsExactlyElementsOf(RUN_EVENTS);
    JarProcess.await(
        "the board to show the run completed",
        WAIT,
        () -> {
          JsonObject run =
              server
                  .get("/api/v1/runs?date=" + today, admin)
                  .bodyAsJsonObject()
                  .getJsonArray("items")
                  .stream()
                  .map(JsonObject.class::cast)
                  .filter(r -> r.getString("id").equals("CA-1"))
                  .findFirst()
                  .orElseThrow();
          return run.getString("status").equals("completed");
        });
    JsonArray alerts =
        server.get("/api/v1/alerts?runId=CA-1", admin).bodyAsJsonObject().getJsonArray("items");
    assertThat(alerts.stream().map(a -> ((JsonObject) a).getString("type")))
        .doesNotContain("run.late");
  }

  /** Opens the app with a new code's link and signs in: each test stands on its own. */
  private static void signIn() {
    browser.get(base + "crew/#code=" + newCode());
    awaitText("the sign-in form", "Sign-in code");
    tap("Sign in");
    awaitText("today's runs", "Today's runs");
  }

  @Test
  @Order(2)
  @DisplayName(
      "With no signal the taps wait on the phone and are counted; after a reload still offline they"
          + " are still there; back online each is stored once, in tap order")
  void offline() {
    signIn();
    JarProcess.await(
        "the service worker to control the page",
        WAIT,
        () ->
            Boolean.TRUE.equals(
                browser.executeScript("return !!navigator.serviceWorker.controller")));
    offline(true);
    try {
      recordRun("CA-2", "2");
      JarProcess.await(
          "the waiting count (the bar says: '" + sync() + "')",
          WAIT,
          () -> sync().startsWith("8 waiting to send"));
      assertThat(sync()).contains("will send when there is signal");
      Accessibility.assertNoViolations(browser, "the run screen offline");
      Browser.screenshot(browser, "crew-offline");
      assertThat(
              TestPostgres.count(
                  server.database, "select count(*) from event where run_id = 'CA-2'"))
          .isZero();

      browser.navigate().refresh();
      awaitText("the app again, from the phone's cache", "Today's runs");
      JarProcess.await(
          "the waiting count again", WAIT, () -> sync().startsWith("8 waiting to send"));
      assertThat(browser.findElement(By.cssSelector("button[data-run='CA-2']")).getText())
          .contains("completed");
    } finally {
      offline(false); // the next test needs the network, whatever happened here
    }
    JarProcess.await("every event sent", WAIT, () -> sync().equals("All sent"));
    assertThat(
            TestPostgres.count(server.database, "select count(*) from event where run_id = 'CA-2'"))
        .isEqualTo(8);
    assertThat(storedTypes("CA-2")).containsExactlyElementsOf(RUN_EVENTS);
    List<String> bySeq = new ArrayList<>();
    try (var c = TestPostgres.connect(server.database);
        var s = c.createStatement();
        var r = s.executeQuery("select type from event where run_id = 'CA-2' order by seq")) {
      while (r.next()) {
        bySeq.add(r.getString(1));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    assertThat(bySeq).as("stored in tap order").containsExactlyElementsOf(RUN_EVENTS);
  }

  @Test
  @Order(3)
  @DisplayName(
      "The phone's position (overridden in the browser) becomes the vehicle's position and moves"
          + " the run's ETA on the board; a drop-off at the wrong stop raises the alert")
  void positionsAndWrongDropoff() {
    browser.executeCdpCommand(
        "Browser.grantPermissions",
        Map.of(
            "origin", base.substring(0, base.length() - 1), "permissions", List.of("geolocation")));
    geolocation(52.60, -1.70);
    signIn();
    browser.findElement(By.cssSelector("button[data-run='CA-3']")).click();
    awaitText("the run screen", "Start the run");
    browser.findElement(By.id("vehicle")).sendKeys("BX19 ABC");
    tap("Start run");
    awaitText("the location question", "Share location");
    Accessibility.assertNoViolations(browser, "the location question");
    tap("Share location");
    JarProcess.await(
        "the far position stored",
        WAIT,
        () ->
            TestPostgres.count(
                    server.database,
                    "select count(*) from event where run_id = 'CA-3' and type = 'vehicle.position'"
                        + " and source = 'crew' and (body->>'lat')::float = 52.6")
                > 0);
    String farEta = awaitEta("CA-3", null);
    geolocation(52.481, -1.891);
    browser.navigate().refresh(); // takes a position at once instead of in 15 s
    awaitText("the run screen again", "Status: started");
    JarProcess.await(
        "the near position stored",
        WAIT,
        () ->
            TestPostgres.count(
                    server.database,
                    "select count(*) from event where run_id = 'CA-3' and type = 'vehicle.position'"
                        + " and (body->>'lat')::float = 52.481")
                > 0);
    String nearEta = awaitEta("CA-3", farEta);
    assertThat(nearEta).isLessThan(farEta);

    tap("Boarded P3a");
    awaitText("the drop-off at the wrong stop", "Dropped another pupil here?");
    open("Dropped another pupil here?");
    tap("Dropped P3a here");
    JarProcess.await(
        "the wrong drop-off alert",
        WAIT,
        () ->
            server
                .get("/api/v1/alerts?runId=CA-3", admin)
                .bodyAsJsonObject()
                .getJsonArray("items")
                .stream()
                .anyMatch(a -> ((JsonObject) a).getString("type").equals("pupil.wrong_dropoff")));
  }

  @Test
  @Order(4)
  @DisplayName(
      "A tap not yet sent is undone, an incident is reported, an event the server refuses is shown"
          + " with its reason and not sent again, and the run is cancelled")
  void undoReportRefuseCancel() {
    signIn();
    browser.findElement(By.cssSelector("button[data-run='CA-4']")).click();
    awaitText("the run screen", "Start the run");
    browser.findElement(By.id("vehicle")).sendKeys("BX19 ABC");
    tap("Start run");
    awaitText("the pupils' buttons", "Boarded P4a");
    JarProcess.await("the start sent", WAIT, () -> sync().equals("All sent"));

    offline(true);
    try {
      tap("Boarded P4a");
      awaitText("the undo button", "Undo for P4a");
      assertThat(sync()).startsWith("1 waiting to send");
      tap("Undo for P4a");
      JarProcess.await("the tap taken back", WAIT, () -> sync().equals("All sent"));
      awaitText("the pupil's buttons again", "Boarded P4a");
    } finally {
      offline(false);
    }

    open("Report an incident");
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("incident-category")))
        .selectByValue("behaviour");
    browser.findElement(By.id("incident-summary")).sendKeys("P4b upset at the stop");
    tap("Send report");
    JarProcess.await("the report sent", WAIT, () -> sync().equals("All sent"));

    // An event the server refuses (a pupil who is not the operator's) stays, with the reason.
    browser.executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "import('/crew/queue.js').then((q) => q.record('pupil.boarded',"
            + " {runId: 'CA-4', pupilId: 'P-NOBODY'})).then(() => done());");
    awaitText("the refusal with its reason", "Not accepted (pupil.boarded)");
    assertThat(browser.findElement(By.tagName("body")).getText())
        .contains("not a pupil of this key's operator");
    JarProcess.await(
        "the refusal counted", WAIT, () -> sync().equals("1 not accepted — see below"));
    browser.executeScript("dispatchEvent(new Event('online'))"); // a nudge to send again
    Accessibility.assertNoViolations(browser, "the run screen with a refused event");
    assertThat(browser.findElement(By.id("main")).getText())
        .as("a part the screen leaves out draws nothing")
        .doesNotContain("null");
    Browser.screenshot(browser, "crew-refused");
    tap("Dismiss");
    JarProcess.await("the refusal dismissed", WAIT, () -> sync().equals("All sent"));

    open("Cancel this run");
    browser.findElement(By.id("cancel-reason")).sendKeys("Vehicle broke down");
    tap("Cancel run");
    awaitText("the run cancelled", "Status: cancelled");
    JarProcess.await("the cancellation sent", WAIT, () -> sync().equals("All sent"));
    // (The phone shares its position since the test before: positions are left out here.)
    assertThat(storedTypes("CA-4").stream().filter(t -> !t.equals("vehicle.position")))
        .as("the undone tap and the refused event were never stored")
        .containsExactly("run.started", "incident.reported", "run.cancelled");
  }

  private static String awaitEta(String runId, String unlike) {
    String[] eta = new String[1];
    JarProcess.await(
        "the run's ETA on the board",
        WAIT,
        () -> {
          JsonObject run = server.get("/api/v1/runs/" + runId, admin).bodyAsJsonObject();
          eta[0] = run.getString("eta");
          return eta[0] != null && !eta[0].equals(unlike);
        });
    return eta[0];
  }

  private static void geolocation(double lat, double lon) {
    browser.executeCdpCommand(
        "Emulation.setGeolocationOverride",
        Map.of("latitude", lat, "longitude", lon, "accuracy", 10));
  }

  /**
   * Cuts or restores the page's network. The app's API requests do not pass through its service
   * worker (a static route), so the page's network conditions are theirs.
   */
  private static void offline(boolean off) {
    browser.executeCdpCommand("Network.enable", Map.of());
    browser.executeCdpCommand(
        "Network.emulateNetworkConditions",
        Map.of("offline", off, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
  }
}
