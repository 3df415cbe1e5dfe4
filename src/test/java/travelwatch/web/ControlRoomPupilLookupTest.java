package travelwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
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
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.plan.PlanJson;
import travelwatch.support.Accessibility;
import travelwatch.support.Browser;
import travelwatch.support.Events;
import travelwatch.support.PageDriver;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName(
    "\"Where is my child's bus?\" on the control-room page: a controller types a pupil's reference"
        + " and reads the ETA at the pupil's own stop, the pupil's state, a cancellation's reason"
        + " and the operator's phone")
class ControlRoomPupilLookupTest {
  private static final String PASSWORD = "a long enough password";
  private static final String CONTROLLER = "controller@council.example";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path profile;
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:55:00Z"));
  private static TestServer server;
  private static ChromeDriver browser;
  private static PageDriver page;
  private static String viewer;
  private static String operatorA;
  private static String operatorB;

  @BeforeAll
  static void start() {
    Browser.requireInstalled();
    server =
        TestServer.live(
            clock,
            PlanJson.write(TwoOperators.withWayHome()),
            Map.of("TW_INGEST_MAX_FUTURE_SECONDS", "7200"));
    viewer = server.scopeKey(Scope.CONTROL);
    operatorA = server.operatorKey("OPA");
    operatorB = server.operatorKey("OPB");
    SessionLogin.addUser(server, CONTROLLER, Role.CONTROLLER, PASSWORD);
    page = PageDriver.open(profile, server, 1920, 1080);
    browser = page.browser();
    page.logIn(CONTROLLER, PASSWORD);
  }

  @AfterAll
  static void stop() {
    PageDriver.stop(page, server);
  }

  /**
   * Types {@code reference} into the lookup and presses Enter, again until the answer's visible
   * text passes {@code until} (the monitors take a moment after an event); that text.
   */
  private static String lookUp(String reference, Predicate<String> until) {
    String[] answer = {""};
    page.waiting(WAIT)
        .pollingEvery(Duration.ofMillis(500))
        .until(
            d -> {
              WebElement field = d.findElement(By.id("pupil-id"));
              field.clear();
              field.sendKeys(reference, Keys.ENTER);
              answer[0] =
                  page.waiting(Duration.ofSeconds(10))
                      .until(
                          x -> {
                            String text = x.findElement(By.id("pupil-result")).getText();
                            return text.isBlank() || text.startsWith("Looking up") ? null : text;
                          });
              return until.test(answer[0]);
            });
    return answer[0];
  }

  /** One run's answer as the page shows it: each term with its visible description. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> shown(String runId) {
    List<List<String>> pairs =
        (List<List<String>>)
            page.script(
                "return Array.from(document.querySelectorAll("
                    + "'#pupil-result dl[data-run-id=\"' + arguments[0] + '\"] dt'))"
                    + ".map(dt => [dt.innerText, dt.nextElementSibling.innerText]);",
                runId);
    Map<String, String> terms = new LinkedHashMap<>();
    pairs.forEach(p -> terms.put(p.get(0), p.get(1)));
    return terms;
  }

  /** The run's item in the API's answer, for the times the page should show. */
  private static JsonObject fromApi(String pupil, String runId) {
    return server
        .get("/api/v1/pupils/" + pupil + "/today", viewer)
        .bodyAsJsonObject()
        .getJsonArray("items")
        .stream()
        .map(o -> (JsonObject) o)
        .filter(o -> runId.equals(o.getString("id")))
        .findFirst()
        .orElseThrow();
  }

  /** The answer is shown inside its panel, below the form, and the page holds still. */
  @SuppressWarnings("unchecked")
  private static void answerInItsPanel() {
    Map<String, Number> box =
        (Map<String, Number>)
            page.script(
                "const p = document.getElementById('pupil').getBoundingClientRect(),"
                    + " f = document.getElementById('pupil-form').getBoundingClientRect(),"
                    + " r = document.getElementById('pupil-result').getBoundingClientRect();"
                    + "return {left: r.left - p.left, right: p.right - r.right,"
                    + " belowForm: r.top - f.bottom, height: r.height};");
    assertThat(box.get("left").doubleValue()).as("left edge inside the panel").isNotNegative();
    assertThat(box.get("right").doubleValue()).as("right edge inside the panel").isNotNegative();
    assertThat(box.get("belowForm").doubleValue()).as("below the form").isNotNegative();
    assertThat(box.get("height").doubleValue()).as("with room to read").isGreaterThan(40);
    assertThat(page.overflow()).containsEntry("documentWide", 0L).containsEntry("document", 0L);
  }

  private static String hhmm(String rfc3339) {
    return rfc3339.substring(11, 16);
  }

  @Test
  @Order(1)
  @DisplayName("A lower-case reference finds the pupil, with both of the day's runs")
  void lowerCaseReference() {
    String answer =
        lookUp(TwoOperators.PUPIL_A.toLowerCase(), t -> t.contains(TwoOperators.RUN_A_PM));
    assertThat(answer).startsWith("Pupil " + TwoOperators.PUPIL_A + " on 2026-11-23:");
    assertThat(shown(TwoOperators.RUN_A).get("Run"))
        .startsWith(TwoOperators.RUN_A + " (AM), OPA")
        .contains("Oakfield Travel");
    assertThat(shown(TwoOperators.RUN_A))
        .containsEntry("Pupil", "Expected")
        .containsEntry("Pick-up ETA", "– (stop 1, planned 08:10)");
    assertThat(shown(TwoOperators.RUN_A_PM))
        .containsEntry("Drop-off ETA", "– (stop 2, planned 15:45)");
  }

  @Test
  @Order(2)
  @DisplayName("An unknown reference says there is no such pupil, not that the pupil has no run")
  void unknownReference() {
    String answer = lookUp("NOBODY", t -> true);
    assertThat(answer).isEqualTo("There is no pupil NOBODY.").doesNotContain("no run today");
    assertThat(browser.findElements(By.cssSelector("#pupil-result dl"))).isEmpty();
  }

  @Test
  @Order(3)
  @DisplayName(
      "On an AM run the answer gives the pick-up ETA at the pupil's own stop with its planned time"
          + " and place in the run, the operator's phone, and then that the pupil boarded")
  void amRun() {
    Events.store(
        server,
        operatorA,
        TwoOperators.startedA(TwoOperators.RUN_A, "2026-11-23T07:55:00Z", 52.53, -1.93));
    lookUp(
        TwoOperators.PUPIL_A,
        t -> !shown(TwoOperators.RUN_A).getOrDefault("Pick-up ETA", "–").startsWith("–"));
    JsonObject api = fromApi(TwoOperators.PUPIL_A, TwoOperators.RUN_A);
    Map<String, String> am = shown(TwoOperators.RUN_A);
    assertThat(am)
        .containsEntry("Status", "Started")
        .containsEntry("Pupil", "Expected")
        .containsEntry("Pick-up ETA", hhmm(api.getString("stopEta")) + " (stop 1, planned 08:10)")
        .containsEntry("Pick-up planned", "08:10 at H1")
        .containsEntry("Operator phone", TwoOperators.OPA_PHONE)
        .containsEntry("Reported", "nothing yet");
    assertThat(
            browser
                .findElement(
                    By.cssSelector("#pupil-result dl[data-run-id='RA-AM'] a[href^='tel:']"))
                .getAttribute("href"))
        .isEqualTo("tel:01214960000");
    answerInItsPanel();
    Accessibility.assertNoViolations(browser, "the pupil lookup's answer for an AM run");
    Browser.screenshot(browser, "pupil-lookup-am");

    Events.store(
        server, operatorA, TwoOperators.boardedA(TwoOperators.RUN_A, "2026-11-23T08:09:00Z", "H1"));
    lookUp(TwoOperators.PUPIL_A, t -> "On board".equals(shown(TwoOperators.RUN_A).get("Pupil")));
    assertThat(shown(TwoOperators.RUN_A))
        .as("the pick-up stop is reached")
        .containsEntry("Pick-up ETA", "– (stop 1, planned 08:10)")
        .containsEntry("Reported", "boarded 08:09");
  }

  @Test
  @Order(4)
  @DisplayName("On a PM run the answer gives the drop-off ETA at the pupil's own stop")
  void pmRun() {
    clock.set(Instant.parse("2026-11-23T15:22:00Z"));
    // The morning's session has ended by the afternoon.
    page.logIn(CONTROLLER, PASSWORD);
    Events.store(
        server,
        operatorA,
        TwoOperators.startedA(TwoOperators.RUN_A_PM, "2026-11-23T15:20:00Z", 52.48, -1.89),
        TwoOperators.boardedA(TwoOperators.RUN_A_PM, "2026-11-23T15:21:00Z", "SCH1"));
    lookUp(
        TwoOperators.PUPIL_A,
        t -> !shown(TwoOperators.RUN_A_PM).getOrDefault("Drop-off ETA", "–").startsWith("–"));
    JsonObject api = fromApi(TwoOperators.PUPIL_A, TwoOperators.RUN_A_PM);
    assertThat(shown(TwoOperators.RUN_A_PM))
        .containsEntry("Status", "Started")
        .containsEntry("Pupil", "On board")
        .containsEntry("Drop-off ETA", hhmm(api.getString("stopEta")) + " (stop 2, planned 15:45)")
        .containsEntry("Drop-off planned", "15:45 at H1")
        .containsEntry("Operator phone", TwoOperators.OPA_PHONE);
    Accessibility.assertNoViolations(browser, "the pupil lookup's answer for a PM run");
    Browser.screenshot(browser, "pupil-lookup-pm");
  }

  @Test
  @Order(5)
  @DisplayName("A cancelled run's answer says why it was cancelled")
  void cancelledRun() {
    Events.store(server, operatorB, TwoOperators.cancelledB("vehicle breakdown"));
    lookUp(TwoOperators.PUPIL_B, t -> t.contains("Cancelled"));
    assertThat(shown(TwoOperators.RUN_B))
        .containsEntry("Status", "Cancelled: vehicle breakdown")
        .doesNotContainKey("Operator phone");
    Accessibility.assertNoViolations(browser, "the pupil lookup's answer for a cancelled run");
    Browser.screenshot(browser, "pupil-lookup-cancelled");
  }
}
