package travelwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import travelwatch.access.Role;
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
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.Mailbox;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;

/**
 * The parent's page on a phone-sized headless Chromium, and the control room's messages panel in a
 * second browser, against a real server on the real clock (the browser stamps the page's times)
 * with a real SMTP server: a parent opens the council's link, follows the morning journey as the
 * operator reports it, asks for emails and confirms them, and writes to the control room, which
 * answers.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The parent's page in a real browser: today's journeys, emails and messages")
class ParentPageTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PASSWORD = "a long enough password";
  private static final String CONTROLLER = "controller@council.example";
  private static final String VIEWER = "viewer@council.example";
  private static final String PARENT_EMAIL = "parent@family.example";
  private static final String CHILD = "PP-CHILD-1";
  private static final String OTHER = "PX-OTHER-77";
  private static final String RUN = "PR-AM";
  private static final String DRIVER = "PD-1";
  private static final String HTML_MESSAGE =
      "<img src=x onerror=alert(1)><b>bold</b> The bus has not come yet.";

  @TempDir static Path parentProfile;
  @TempDir static Path staffProfile;
  private static Mailbox mailbox;
  private static TestServer server;
  private static ChromeDriver parent;
  private static ChromeDriver staff;
  private static String admin;
  private static String operator;
  private static String base;
  private static String token;
  private static long linkId;
  private static long messageId;

  @BeforeAll
  static void start() {
    Browser.requireInstalled();
    JarProcess.awaitClearOfLondonMidnight(Duration.ofMinutes(15));
    mailbox = new Mailbox();
    Map<String, String> env = new HashMap<>(mailbox.env());
    env.put("TW_MONITOR_TICK_MS", "200");
    env.put("TW_STREAM_HEARTBEAT_SECONDS", "1");
    env.put("TW_MAIL_RELAY_MS", "100");
    // The browser stamps real times, so this runs on the real clock at whatever hour: no quiet
    // hours (the same start and end), or a reply written at night would wait till morning.
    env.put("TW_PARENT_QUIET_FROM", "00:00");
    env.put("TW_PARENT_QUIET_UNTIL", "00:00");
    server = new TestServer(env, java.time.Clock.systemUTC());
    base = "http://localhost:" + server.port + "/";
    admin = server.scopeKey(Scope.ADMIN);
    HttpResponse<Buffer> planned = server.post("/api/v1/plan", admin, PlanJson.write(plan()));
    assertThat(planned.statusCode()).as(planned.bodyAsString()).isEqualTo(200);
    operator = server.operatorKey("OPP");
    SessionLogin.addUser(server, CONTROLLER, Role.CONTROLLER, PASSWORD);
    SessionLogin.addUser(server, VIEWER, Role.VIEWER, PASSWORD);
    parent = Browser.start(parentProfile, 412, 915);
  }

  @AfterAll
  static void stop() {
    for (ChromeDriver b : new ChromeDriver[] {parent, staff}) {
      if (b != null) {
        b.quit();
      }
    }
    if (server != null) {
      server.close();
    }
    if (mailbox != null) {
      mailbox.close();
    }
  }

  /**
   * Today's morning run picks up the child and another pupil at one stop, soon; the afternoon run
   * takes the child home later. Late in the evening the times stop short of midnight: the runs are
   * on today's date.
   */
  private static Plan plan() {
    ZonedDateTime now = ZonedDateTime.now(LONDON);
    LocalDate today = now.toLocalDate();
    LocalTime t = now.toLocalTime().withSecond(0).withNano(0);
    java.util.function.IntFunction<LocalTime> in =
        m -> {
          LocalTime later = t.plusMinutes(m);
          return later.isBefore(t) || later.isAfter(LocalTime.of(23, 58))
              ? LocalTime.of(23, 58)
              : later;
        };
    DbsCheck clear =
        new DbsCheck("001234567890", today.minusYears(1), DbsOutcome.CLEAR, true, true);
    Run morning =
        new Run(
            RUN,
            "PRT",
            today,
            Direction.AM,
            in.apply(50),
            Optional.of(DRIVER),
            Optional.empty(),
            List.of(
                new Stop("H1", 1, 52.50, -1.90, in.apply(15), List.of(CHILD, OTHER), List.of()),
                new Stop("SCH", 2, 52.48, -1.89, in.apply(45), List.of(), List.of(CHILD, OTHER))));
    Run afternoon =
        new Run(
            "PR-PM",
            "PRT",
            today,
            Direction.PM,
            in.apply(150),
            Optional.of(DRIVER),
            Optional.empty(),
            List.of(
                new Stop("SCH", 1, 52.48, -1.89, in.apply(120), List.of(CHILD), List.of()),
                new Stop("H1", 2, 52.50, -1.90, in.apply(145), List.of(), List.of(CHILD))));
    return new Plan(
        List.of(new Operator("OPP", "Parkside Travel", "ops@parkside.example")),
        List.of(
            new School(
                "SCHP",
                "Parkside School",
                52.48,
                -1.89,
                LocalTime.of(8, 50),
                LocalTime.of(15, 10),
                Phase.PRIMARY)),
        List.of(
            new Pupil(CHILD, "SCHP", Optional.empty()), new Pupil(OTHER, "SCHP", Optional.empty())),
        List.of(
            new Crew(
                DRIVER,
                "OPP",
                CrewRole.DRIVER,
                Optional.of(clear),
                Optional.empty(),
                Optional.empty())),
        List.of(new Route("PRT", "OPP", "SCHP", false)),
        List.of(morning, afternoon));
  }

  private static String now() {
    return ZonedDateTime.now(LONDON)
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX"));
  }

  private static void report(JsonObject... events) {
    Events.store(server, operator, events);
  }

  private static WebDriverWait waiting(WebDriver driver, Duration timeout) {
    WebDriverWait wait = new WebDriverWait(driver, timeout);
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /** Reads text from the page, looking again if an update replaced the element meanwhile. */
  private static String read(WebDriver driver, Function<WebDriver, String> look) {
    return waiting(driver, Duration.ofSeconds(5)).until(look);
  }

  private static final By MORNING = By.id("journey-AM-0");

  private static String morning(String part) {
    return read(parent, d -> d.findElement(MORNING).findElement(By.cssSelector(part)).getText());
  }

  /** Waits for the morning journey's state, in words, on the page. */
  private static void awaitMorningState(String state, Duration timeout) {
    waiting(parent, timeout)
        .withMessage(() -> "the morning journey to say '" + state + "'")
        .until(
            d -> d.findElement(MORNING).findElement(By.className("badge")).getText().equals(state));
  }

  private static String bodyText(WebDriver driver) {
    return driver.findElement(By.tagName("body")).getText();
  }

  /** Neither the other pupil on the run nor the link's token is anywhere on the page. */
  private static void assertNoOtherPupilNorToken() {
    assertThat(parent.getPageSource()).doesNotContain(OTHER);
    assertThat(parent.getCurrentUrl()).doesNotContain("twp_").doesNotContain("#");
  }

  @Test
  @Order(1)
  @DisplayName(
      "A parent opens the link: the token leaves the address bar, and the morning journey goes"
          + " from not started to on the way (by itself), picked up and arrived as the operator"
          + " reports it, showing nothing of the other pupil on the run")
  void followTheMorningJourney() {
    HttpResponse<Buffer> issued =
        server.post("/api/v1/pupils/" + CHILD + "/parent-links", admin, new JsonObject());
    assertThat(issued.statusCode()).as(issued.bodyAsString()).isEqualTo(201);
    String url = issued.bodyAsJsonObject().getString("url");
    linkId = issued.bodyAsJsonObject().getLong("linkId");
    assertThat(url).startsWith(base + "parent/#t=twp_");
    token = url.substring(url.indexOf("#t=") + 3);

    parent.get(url);
    awaitMorningState("Not started", WAIT);
    assertThat(parent.getCurrentUrl()).isEqualTo(base + "parent/");
    assertThat(parent.executeScript("return localStorage.getItem('tw.parent.token')"))
        .as("the token is kept on the phone")
        .isEqualTo(token);
    assertThat(morning(".message")).startsWith("Not started yet");
    assertThat(morning("dl")).contains("Planned pick-up", "Planned drop-off");
    assertThat(read(parent, d -> d.findElement(By.id("journey-PM-0")).getText()))
        .contains("Afternoon: home", "Planned drop-off");
    assertThat(
            parent
                .findElement(MORNING)
                .findElement(By.className("message"))
                .getAttribute("aria-live"))
        .as("the status sentence is a polite live region")
        .isEqualTo("polite");
    assertNoOtherPupilNorToken();
    Accessibility.assertNoViolations(parent, "the parent's page before the journey");
    Browser.screenshot(parent, "parent-not-started");

    // Started, and the vehicle is near the stop: the page sees it at its next poll, untouched.
    String firstUpdate = read(parent, d -> d.findElement(By.id("updated")).getText());
    report(
        Events.event("run.started", now())
            .put("runId", RUN)
            .put("driverId", DRIVER)
            .put("vehicleReg", "BX19 PRK")
            .put("lat", 52.52)
            .put("lon", -1.92),
        Events.event("vehicle.position", now())
            .put("runId", RUN)
            .put("lat", 52.503)
            .put("lon", -1.902)
            .put("speedKph", 20.0));
    awaitMorningState("On the way", Duration.ofSeconds(50));
    assertThat(morning(".message")).startsWith("On the way").contains("expected at your stop");
    assertThat(morning("dl")).contains("Expected at your stop at about", "BX19 PRK");
    assertThat(read(parent, d -> d.findElement(By.id("updated")).getText()))
        .startsWith("Last updated at")
        .isNotEqualTo(firstUpdate);

    // Picked up (the other pupil too): the page looks again when it becomes visible.
    report(
        Events.event("pupil.boarded", now())
            .put("runId", RUN)
            .put("pupilId", CHILD)
            .put("stopId", "H1"),
        Events.event("pupil.boarded", now())
            .put("runId", RUN)
            .put("pupilId", OTHER)
            .put("stopId", "H1"));
    waiting(parent, WAIT)
        .until(
            d -> {
              parent.executeScript("document.dispatchEvent(new Event('visibilitychange'))");
              return d.findElement(MORNING)
                  .findElement(By.className("badge"))
                  .getText()
                  .equals("Picked up");
            });
    assertThat(morning("dl")).contains("Picked up at", "Expected at school at about");

    // Dropped at school: the parent asks for an update.
    report(
        Events.event("pupil.dropped", now())
            .put("runId", RUN)
            .put("pupilId", CHILD)
            .put("stopId", "SCH"));
    waiting(parent, WAIT)
        .until(
            d -> {
              d.findElement(By.id("refresh")).click();
              return d.findElement(MORNING)
                  .findElement(By.className("badge"))
                  .getText()
                  .equals("Arrived at school");
            });
    assertThat(morning(".message")).startsWith("Arrived at school at");
    assertThat(morning("dl")).contains("Arrived at school at");
    assertThat(read(parent, d -> d.findElement(MORNING).getAttribute("data-status")))
        .isEqualTo("delivered");
    assertNoOtherPupilNorToken();
    Accessibility.assertNoViolations(parent, "the parent's page with the journey delivered");
    Browser.screenshot(parent, "parent-delivered");

    // Reloaded, the page opens from the token kept on the phone.
    parent.navigate().refresh();
    awaitMorningState("Arrived at school", WAIT);

    // At 320 CSS pixels (a small phone, or 200% zoom) nothing needs sideways scrolling.
    parent.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", 320, "height", 640, "deviceScaleFactor", 1, "mobile", true));
    try {
      assertThat(
              parent.executeScript(
                  "return document.documentElement.scrollWidth"
                      + " <= document.documentElement.clientWidth"))
          .as("no sideways scrolling at 320 px")
          .isEqualTo(true);
      assertThat(
              parent.executeScript(
                  "return [...document.querySelectorAll('dl.times dd')].filter(dd => {"
                      + " const r = document.createRange(); r.selectNodeContents(dd);"
                      + " return r.getClientRects().length > 1; }).length"))
          .as("no time broken over two lines at 320 px")
          .isEqualTo(0L);
      Accessibility.assertNoViolations(parent, "the parent's page at 320 px");
      Browser.screenshot(parent, "parent-320px");
    } finally {
      parent.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }

  private static List<Mailbox.Mail> mailTo(String subject) {
    return mailbox.emails(m -> m.to().contains(PARENT_EMAIL) && m.subject().equals(subject));
  }

  /** Waits until the outbox holds no parent's email still to send. */
  private static void awaitOutboxSent() {
    JarProcess.await(
        "the parents' emails sent",
        WAIT,
        () ->
            TestPostgres.count(
                    server.database,
                    "select count(*) from outbox where kind = 'parent' and state <> 'sent'")
                == 0);
  }

  @Test
  @Order(2)
  @DisplayName(
      "The parent asks for emails on the page: a wrong address is explained beside the field; the"
          + " right one gets exactly one confirmation email, whose link confirms it")
  void subscribeAndConfirm() {
    WebElement email = parent.findElement(By.id("subscription-email"));
    email.sendKeys("not an address");
    parent.findElement(By.id("subscription-save")).click();
    waiting(parent, WAIT)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("subscription-email-error"), "must be an email address"));
    assertThat(email.getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(parent.switchTo().activeElement().getAttribute("id"))
        .as("the field in error has the focus")
        .isEqualTo("subscription-email");
    Accessibility.assertNoViolations(parent, "the email form with an error");

    email.clear();
    email.sendKeys(PARENT_EMAIL);
    for (WebElement box : parent.findElements(By.cssSelector("input[name='notify']"))) {
      if (box.isSelected()) {
        box.click();
      }
    }
    parent.findElement(By.id("subscription-save")).click();
    waiting(parent, WAIT)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("subscription-notify-error"), "Choose at least one"));
    parent.findElement(By.cssSelector("input[name='notify'][value='cancelled']")).click();
    parent.findElement(By.cssSelector("input[name='notify'][value='late']")).click();
    parent.findElement(By.id("subscription-save")).click();
    waiting(parent, WAIT)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("subscription-status"), "Check your inbox to confirm"));
    assertThat(parent.findElement(By.id("subscription-email-error")).getText()).isEmpty();
    assertThat(parent.findElement(By.id("subscription-state")).getText())
        .contains("Check your inbox to confirm", PARENT_EMAIL);
    assertThat(parent.findElement(By.id("subscription-stop")).isDisplayed()).isTrue();

    String subject = "Confirm your email for school transport updates";
    JarProcess.await("the confirmation email", WAIT, () -> !mailTo(subject).isEmpty());
    awaitOutboxSent();
    List<Mailbox.Mail> confirmations = mailTo(subject);
    assertThat(confirmations).hasSize(1);
    Matcher link =
        Pattern.compile(Pattern.quote(base) + "parent/#confirm=[A-Za-z0-9_-]+")
            .matcher(confirmations.get(0).text());
    assertThat(link.find()).as(confirmations.get(0).text()).isTrue();

    parent.get(link.group());
    waiting(parent, WAIT)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "confirmed"));
    assertThat(parent.findElement(By.id("notice")).getText()).contains(PARENT_EMAIL);
    assertThat(parent.getCurrentUrl()).isEqualTo(base + "parent/");
    assertThat(parent.findElement(By.id("subscription-state")).getText())
        .isEqualTo("Emails go to " + PARENT_EMAIL + ".");
    JsonObject stored = server.get("/api/v1/parent/subscription", token).bodyAsJsonObject();
    assertThat(stored.getBoolean("confirmed")).isTrue();
    assertThat(stored.getString("email")).isEqualTo(PARENT_EMAIL);
    assertThat(stored.getJsonArray("notify")).containsExactlyInAnyOrder("cancelled", "late");
    Accessibility.assertNoViolations(parent, "the parent's page with the address confirmed");
  }

  private static void logIn(String email) {
    staff.get(base);
    WebElement field =
        waiting(staff, Duration.ofSeconds(15))
            .until(ExpectedConditions.visibilityOfElementLocated(By.id("login-email")));
    field.sendKeys(email);
    staff.findElement(By.id("login-password")).sendKeys(PASSWORD, Keys.ENTER);
    waiting(staff, Duration.ofSeconds(20))
        .until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-state", "live"));
    waiting(staff, Duration.ofSeconds(10))
        .until(ExpectedConditions.textToBe(By.id("stream-state"), "● live"));
  }

  private static void logOut() {
    staff.findElement(By.id("logout")).click();
    waiting(staff, Duration.ofSeconds(10))
        .until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-state", "login"));
  }

  private static By item(long id) {
    return By.cssSelector("#message-list li[data-message-id='" + id + "']");
  }

  @Test
  @Order(3)
  @DisplayName(
      "A message with HTML in it reaches the control room live as literal text; the controller's"
          + " reply shows on the parent's page and is emailed; a viewer cannot reply")
  void messageAndReply() {
    staff = Browser.start(staffProfile, 1280, 900);
    logIn(CONTROLLER);
    staff.executeScript("window.notReloaded = true;");
    assertThat(staff.findElement(By.id("messages-summary")).getText())
        .isEqualTo("No messages waiting.");

    new Select(parent.findElement(By.id("message-category"))).selectByValue("not_arrived");
    WebElement text = parent.findElement(By.id("message-text"));
    text.sendKeys(HTML_MESSAGE);
    assertThat(parent.findElement(By.id("message-count")).getText())
        .isEqualTo("You have " + (1000 - HTML_MESSAGE.length()) + " characters left.");
    parent.findElement(By.id("message-send")).click();
    waiting(parent, WAIT)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("message-status"), "Your message has been sent"));
    assertThat(text.getAttribute("value")).isEmpty();
    WebElement sent =
        waiting(parent, WAIT)
            .until(
                ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#message-list li[data-message-id]")));
    messageId = Long.parseLong(sent.getAttribute("data-message-id"));
    assertThat(sent.getText()).contains(HTML_MESSAGE, "The transport has not come");
    assertThat(parent.findElements(By.cssSelector("#message-list img, #message-list b"))).isEmpty();

    // The control room hears of it on the stream and reads it, as text.
    WebElement arrived =
        waiting(staff, Duration.ofSeconds(10))
            .until(ExpectedConditions.visibilityOfElementLocated(item(messageId)));
    assertThat(staff.executeScript("return window.notReloaded === true")).isEqualTo(true);
    assertThat(staff.findElements(By.cssSelector("#messages img, #messages b")))
        .as("no element made from the parent's words")
        .isEmpty();
    assertThat(arrived.findElement(By.className("message-text")).getText()).isEqualTo(HTML_MESSAGE);
    assertThat(arrived.getText()).contains("Not arrived", "Pupil " + CHILD, "Open");
    assertThat(staff.findElement(By.id("messages-summary")).getText())
        .isEqualTo("1 waiting for a reply, 0 answered.");
    Accessibility.assertNoViolations(staff, "the control room with a parent's message");
    Browser.screenshot(staff, "control-room-messages");

    String reply = "Sorry: the bus is about 10 minutes behind <i>today</i>.";
    staff.findElement(By.id("reply-" + messageId)).sendKeys(reply);
    staff
        .findElement(By.cssSelector("#message-" + messageId + " button[data-action='reply']"))
        .click();
    waiting(staff, WAIT)
        .until(ExpectedConditions.attributeToBe(item(messageId), "data-state", "answered"));
    assertThat(read(staff, d -> d.findElement(item(messageId)).getText()))
        .contains(CONTROLLER, reply, "Answered");
    assertThat(staff.findElements(By.cssSelector("#messages i"))).isEmpty();

    // The parent's page shows the reply once it looks again.
    waiting(parent, WAIT)
        .until(
            d -> {
              d.findElement(By.id("refresh")).click();
              return d.findElement(By.id("message-list")).getText().contains(reply);
            });
    assertThat(parent.findElement(By.id("notice")).getText())
        .contains("The transport service has replied");
    assertThat(parent.findElement(By.id("message-list")).getText())
        .contains("Reply from the transport service", "Answered")
        .doesNotContain(CONTROLLER);
    assertThat(parent.findElements(By.cssSelector("#message-list i, #message-list img"))).isEmpty();
    assertNoOtherPupilNorToken();
    Accessibility.assertNoViolations(parent, "the parent's page with a reply");
    Browser.screenshot(parent, "parent-reply");
    parent.manage().window().setSize(new org.openqa.selenium.Dimension(412, 2600));
    Browser.screenshot(parent, "parent-whole-page");
    parent.manage().window().setSize(new org.openqa.selenium.Dimension(412, 915));

    // And by email, to the confirmed address.
    String subject = "Reply from the school transport service";
    JarProcess.await("the reply's email", WAIT, () -> !mailTo(subject).isEmpty());
    awaitOutboxSent();
    List<Mailbox.Mail> replies = mailTo(subject);
    assertThat(replies).hasSize(1);
    assertThat(replies.get(0).text()).contains(reply);

    // A viewer reads the message but has no reply box, and the API refuses them the reply.
    logOut();
    logIn(VIEWER);
    WebElement seen =
        waiting(staff, Duration.ofSeconds(10))
            .until(ExpectedConditions.visibilityOfElementLocated(item(messageId)));
    assertThat(seen.getText()).contains(HTML_MESSAGE, reply);
    assertThat(staff.findElements(By.cssSelector("#messages textarea, #messages button")))
        .isEmpty();
    SessionLogin viewer = SessionLogin.of(server, VIEWER, PASSWORD);
    HttpResponse<Buffer> refused =
        viewer.post(
            "/api/v1/messages/" + messageId + "/reply", new JsonObject().put("text", "hello"));
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(403);
    assertThat(
            viewer.post("/api/v1/messages/" + messageId + "/close", new JsonObject()).statusCode())
        .isEqualTo(403);
    logOut();

    // The controller closes it: it leaves the panel.
    logIn(CONTROLLER);
    waiting(staff, Duration.ofSeconds(10))
        .until(ExpectedConditions.visibilityOfElementLocated(item(messageId)));
    staff
        .findElement(By.cssSelector("#message-" + messageId + " button[data-action='close']"))
        .click();
    waiting(staff, WAIT).until(ExpectedConditions.invisibilityOfElementLocated(item(messageId)));
    JsonArray closed =
        server.get("/api/v1/messages?state=closed", admin).bodyAsJsonObject().getJsonArray("items");
    assertThat(closed.stream().map(m -> ((JsonObject) m).getLong("messageId")))
        .containsExactly(messageId);
    assertThat(((JsonObject) closed.getValue(0)).getJsonArray("replies")).hasSize(1);
  }

  @Test
  @Order(4)
  @DisplayName(
      "An email's stop link stops the emails; so does the page's Stop emails button for an"
          + " address asked for again")
  void stopEmails() {
    List<Mailbox.Mail> replies = mailTo("Reply from the school transport service");
    Matcher link =
        Pattern.compile(Pattern.quote(base) + "parent/#unsubscribe=[A-Za-z0-9_-]+")
            .matcher(replies.get(0).text());
    assertThat(link.find()).as(replies.get(0).text()).isTrue();
    parent.get(link.group());
    waiting(parent, WAIT)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("notice"), "You will get no more emails"));
    assertThat(parent.getCurrentUrl()).isEqualTo(base + "parent/");
    waiting(parent, WAIT)
        .until(
            ExpectedConditions.textToBe(
                By.id("subscription-state"), "No emails are sent to you yet."));
    assertThat(server.get("/api/v1/parent/subscription", token).statusCode()).isEqualTo(404);
    assertThat(parent.findElement(By.id("subscription-stop")).isDisplayed()).isFalse();

    WebElement email = parent.findElement(By.id("subscription-email"));
    email.clear();
    email.sendKeys(PARENT_EMAIL);
    parent.findElement(By.id("subscription-save")).click();
    WebElement stop =
        waiting(parent, WAIT)
            .until(ExpectedConditions.visibilityOfElementLocated(By.id("subscription-stop")));
    assertThat(server.get("/api/v1/parent/subscription", token).statusCode()).isEqualTo(200);
    stop.click();
    waiting(parent, WAIT)
        .until(
            ExpectedConditions.textToBe(
                By.id("subscription-status"),
                "No more emails will be sent to " + PARENT_EMAIL + "."));
    assertThat(server.get("/api/v1/parent/subscription", token).statusCode()).isEqualTo(404);
  }

  @Test
  @Order(5)
  @DisplayName(
      "Once the link is revoked the page says plainly that it has ended and to ask for a new one;"
          + " opened without a token, it says the same")
  void revokedLink() {
    HttpResponse<Buffer> revoked =
        server
            .client
            .delete("/api/v1/parent-links/" + linkId)
            .putHeader("Authorization", "Bearer " + admin)
            .send()
            .await();
    assertThat(revoked.statusCode()).as(revoked.bodyAsString()).isEqualTo(204);
    parent.findElement(By.id("refresh")).click();
    waiting(parent, WAIT)
        .until(ExpectedConditions.visibilityOfElementLocated(By.id("ended-title")));
    assertThat(bodyText(parent))
        .contains("This link has ended", "Ask the school transport service for a new link.")
        .doesNotContain("Today's journeys");
    assertThat(parent.executeScript("return localStorage.getItem('tw.parent.token')")).isNull();
    Accessibility.assertNoViolations(parent, "the parent's page with the link ended");
    Browser.screenshot(parent, "parent-link-ended");

    parent.navigate().refresh();
    waiting(parent, WAIT)
        .until(ExpectedConditions.visibilityOfElementLocated(By.id("ended-title")));
    assertThat(parent.findElement(By.id("content")).isDisplayed()).isFalse();

    // A confirmation link opened where the council's link never was cannot confirm: it says so.
    parent.get(base + "parent/#confirm=" + "c".repeat(43));
    waiting(parent, WAIT)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("notice"), "open this confirmation link on the phone or computer"));
    assertThat(parent.getCurrentUrl()).isEqualTo(base + "parent/");
  }
}
