package travelwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import travelwatch.access.Scope;
import travelwatch.support.Accessibility;
import travelwatch.support.Browser;
import travelwatch.support.CouncilProvider;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

/**
 * Signing in with a council account in a real headless Chromium, against a real OpenID Connect
 * provider with its own login form: the browser follows the real redirects there and back, and
 * lands on the control room with the role its claims map to, or on the page that says there is no
 * access. Passwords are switched off here, so the login page offers the council's sign-in alone.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Signing in with a council account, in a real browser against a real provider")
class CouncilSignInPageTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:40:00Z"));

  @TempDir static Path profile;
  private static CouncilProvider provider;
  private static TestServer server;
  private static ChromeDriver browser;
  private static String base;

  @BeforeAll
  static void start() {
    Browser.requireInstalled();
    provider = new CouncilProvider(true);
    Map<String, String> env = provider.settings("tw-controller=controller,tw-manager=manager");
    env.put("TW_LOCAL_LOGIN", "false");
    server = new TestServer(env, clock);
    base = "http://localhost:" + server.port + "/";
    String admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    browser = Browser.start(profile, 1280, 900);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  /** A wait that reads the page again when a redirect replaced what it held. */
  private static WebDriverWait waiting() {
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  private static WebElement visible(By by) {
    return waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  private static void state(String state) {
    waiting().until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-state", state));
  }

  /** At the provider's own login form: a user name and the claims its directory would give. */
  private static void signInAtProvider(String user, String claims) {
    visible(By.id("council-sign-in")).click();
    visible(By.name("username")).sendKeys(user);
    browser.findElement(By.name("claims")).sendKeys(claims);
    browser.findElement(By.cssSelector("input[type=submit]")).click();
  }

  @Test
  @Order(1)
  @DisplayName(
      "With passwords off, the login page offers only 'Sign in with your council account', and"
          + " passes axe-core")
  void loginPageOffersCouncilAccountOnly() {
    browser.get(base);
    state("login");
    WebElement signIn = visible(By.id("council-sign-in"));
    assertThat(signIn.getText()).isEqualTo("Sign in with your council account");
    assertThat(browser.switchTo().activeElement()).isEqualTo(signIn);
    assertThat(browser.findElement(By.id("login-form")).isDisplayed()).isFalse();
    Accessibility.assertNoViolations(browser, "council-sign-in");
  }

  @Test
  @Order(2)
  @DisplayName(
      "The browser follows the provider's redirects, signs in there and lands on the control room"
          + " with the mapped role; logging out offers the provider's sign-out")
  void signsInWithMappedRole() {
    browser.get(base);
    state("login");
    signInAtProvider(
        "c.jones",
        "{\"roles\": [\"all-staff\", \"tw-controller\"], \"email\": \"c.jones@council.example\"}");
    state("live");
    assertThat(browser.getCurrentUrl()).isEqualTo(base);
    assertThat(browser.findElement(By.id("who-email")).getText())
        .isEqualTo("c.jones@council.example");
    assertThat(browser.findElement(By.id("who-role")).getText()).isEqualTo("controller");
    assertThat(browser.findElement(By.id("kpi-tab")).isDisplayed()).isFalse();

    browser.findElement(By.id("logout")).click();
    state("login");
    assertThat(browser.findElement(By.id("login-message")).getText()).contains("logged out");
    WebElement signOut = visible(By.id("council-sign-out-link"));
    assertThat(signOut.getAttribute("href"))
        .startsWith(provider.issuer() + "/endsession")
        .contains("client_id=" + CouncilProvider.CLIENT_ID);
  }

  @Test
  @Order(3)
  @DisplayName(
      "An account whose claims map to no role lands on a page that says so, which passes axe-core")
  void unmappedRoleSeesNoAccessPage() {
    browser.manage().deleteAllCookies();
    browser.get(base);
    state("login");
    signInAtProvider("visitor", "{\"roles\": [\"all-staff\"]}");
    waiting().until(ExpectedConditions.urlToBe(base + "no-access.html"));
    assertThat(visible(By.tagName("h1")).getText()).isEqualTo("You have no access to TravelWatch");
    Accessibility.assertNoViolations(browser, "no-access");

    // Back on the page, nobody is signed in.
    browser.findElement(By.linkText("Back to the sign-in page")).click();
    state("login");
  }
}
