package travelwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
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
import travelwatch.access.Scope;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.PlanJson;
import travelwatch.support.Accessibility;
import travelwatch.support.Browser;
import travelwatch.support.PageDriver;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(180)
@DisplayName("The control room shows plan changes waiting for approval, and a manager approves one")
class ControlRoomPlanChangesTest {
  private static final String MANAGER = "duty.manager@council.example";
  private static final String PASSWORD = "correct horse battery";

  @TempDir static Path profile;
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:00:00Z"));
  private static TestServer server;
  private static PageDriver page;
  private static String admin;

  @BeforeAll
  static void start() {
    Browser.requireInstalled();
    server = TestServer.live(clock, TwoOperators.json(), Map.of("TW_SESSION_IDLE_MINUTES", "720"));
    admin = server.scopeKey(Scope.ADMIN);
    SessionLogin.addUser(server, MANAGER, Role.MANAGER, PASSWORD);
    page = PageDriver.open(profile, server, 1366, 768);
  }

  @AfterAll
  static void stop() {
    PageDriver.stop(page, server);
  }

  @Test
  @DisplayName(
      "A retime of this morning's run by an admin key is listed as pending with who, why and what"
          + " it changes; the manager approves it from the page and it takes effect")
  void pendingChangeApprovedFromThePage() {
    Run runA = TwoOperators.plan().runs().get(0);
    Run retimed =
        new Run(
            runA.id(),
            runA.routeId(),
            runA.date(),
            runA.direction(),
            LocalTime.of(8, 30),
            runA.plannedDriverId(),
            runA.plannedGuideId(),
            runA.stops());
    JsonObject change =
        PlanJson.write(
            new Plan(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(retimed)));
    HttpResponse<Buffer> made =
        server.post("/api/v1/plan?reason=roadworks%20on%20the%20school%20road", admin, change);
    assertThat(made.statusCode()).as(made.bodyAsString()).isEqualTo(202);
    long id = made.bodyAsJsonObject().getJsonObject("change").getLong("id");

    page.logIn(MANAGER, PASSWORD);
    page.waitForLive();
    String item = "#plan-change-list li[data-change-id='" + id + "']";
    page.visible(By.cssSelector(item));
    String text = page.read(b -> b.findElement(By.cssSelector(item)).getText());
    assertThat(text)
        .contains("Change " + id)
        .contains("Why: roadworks on the school road")
        .contains("1 runs retimed");
    Accessibility.assertNoViolations(page.browser(), "live view with a plan change waiting");
    Browser.screenshot(page.browser(), "plan-change-waiting");

    // The panel scrolls on its own: bring the button into it, as the keyboard would.
    WebElement approve = page.browser().findElement(By.cssSelector(item + " button"));
    page.script("arguments[0].scrollIntoView({block: 'center'})", approve);
    page.click(By.cssSelector(item + " button"));
    page.waiting(Duration.ofSeconds(15))
        .until(b -> b.findElement(By.id("plan-changes")).getAttribute("hidden") != null);
    JsonObject approved = server.get("/api/v1/plan/changes/" + id, admin).bodyAsJsonObject();
    assertThat(approved.getString("state")).isEqualTo("approved");
    assertThat(approved.getString("approvedBy")).contains(MANAGER);
    assertThat(
            server.get("/api/v1/runs/" + runA.id(), admin).bodyAsJsonObject().getString("arriveBy"))
        .startsWith("2026-11-23T08:30");
  }
}
