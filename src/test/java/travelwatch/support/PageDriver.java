package travelwatch.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The control-room page in one browser, as a controller uses it: log in with the keyboard, wait for
 * what the page shows, read it again when a live update replaced an element meanwhile.
 */
public record PageDriver(ChromeDriver browser, String base) {

  /** A new headless browser of this size, for the page {@code server} serves. */
  public static PageDriver open(java.nio.file.Path profile, TestServer server, int w, int h) {
    return new PageDriver(Browser.start(profile, w, h), "http://localhost:" + server.port + "/");
  }

  /** Quits the browser and closes the server, whichever of them was started. */
  public static void stop(PageDriver page, TestServer server) {
    if (page != null) {
      page.browser().quit();
    }
    if (server != null) {
      server.close();
    }
  }

  /** Live updates replace elements while the test looks at them: look again, then. */
  public WebDriverWait waiting(Duration timeout) {
    WebDriverWait wait = new WebDriverWait(browser, timeout);
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /** Reads from the page, looking again if a live update replaced the element meanwhile. */
  public <T> T read(Function<WebDriver, T> look) {
    return waiting(Duration.ofSeconds(10)).until(look);
  }

  public WebElement visible(By by) {
    return waiting(Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  /** Clicks what {@code by} finds, finding it again if a live update replaced it meanwhile. */
  public void click(By by) {
    waiting(Duration.ofSeconds(20))
        .until(
            d -> {
              d.findElement(by).click();
              return true;
            });
  }

  public Object script(String js, Object... args) {
    return browser.executeScript(js, args);
  }

  /** Opens the page at {@code hash} and logs in through the form with the keyboard only. */
  public void logIn(String email, String password, String hash) {
    if (browser.getCurrentUrl().startsWith(base)) {
      browser.manage().deleteAllCookies(); // a test that failed may have left a session behind
    }
    browser.get("about:blank"); // a new page, even where only the address's #part would change
    browser.get(base + hash);
    WebElement emailField = visible(By.id("login-email"));
    emailField.sendKeys(email);
    emailField.sendKeys(Keys.TAB);
    browser.switchTo().activeElement().sendKeys(password);
    browser.switchTo().activeElement().sendKeys(Keys.ENTER);
    waitForLive();
  }

  public void logIn(String email, String password) {
    logIn(email, password, "");
  }

  public void waitForLive() {
    waiting(Duration.ofSeconds(60))
        .until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-state", "live"));
  }

  public void logOut() {
    browser.findElement(By.id("logout")).click();
    waiting(Duration.ofSeconds(10))
        .until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-state", "login"));
  }

  /** Goes to another address of the page, as a link would. */
  public void go(String hash) {
    script("location.hash = arguments[0]", hash);
  }

  public void resize(int width, int height) {
    browser.manage().window().setSize(new Dimension(width, height));
    waiting(Duration.ofSeconds(10))
        .until(d -> ((Number) script("return window.innerWidth")).intValue() > 0);
  }

  /** The ids a list of elements carry in {@code attribute}, as the page shows them now. */
  public List<String> attributes(By by, String attribute) {
    return read(d -> d.findElements(by).stream().map(e -> e.getAttribute(attribute)).toList());
  }

  /** How far the document, and the main area, could scroll: zero when they hold still. */
  @SuppressWarnings("unchecked")
  public Map<String, Long> overflow() {
    return (Map<String, Long>)
        script(
            "const d = document.scrollingElement, m = document.getElementById('main');"
                + "return {document: d.scrollHeight - d.clientHeight,"
                + " documentWide: d.scrollWidth - d.clientWidth,"
                + " main: m.scrollHeight - m.clientHeight};");
  }
}
