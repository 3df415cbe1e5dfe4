package travelwatch.support;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium driven through its ChromeDriver, both from {@code /usr/bin}: Selenium
 * is given both paths, so it never looks for (or downloads) a browser or driver of its own.
 */
public final class Browser {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private Browser() {}

  /**
   * Skips the calling tests when Chromium or ChromeDriver is missing on a developer's machine; on
   * CI (where {@code CI} is set and {@code .ci/run} installs both) their absence is a failure.
   */
  public static void requireInstalled() {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (installed) {
      return;
    }
    String missing =
        "Browser tests need Debian's chromium and chromium-driver ("
            + CHROMIUM
            + ", "
            + CHROMEDRIVER
            + "): apt-get install chromium chromium-driver";
    if (System.getenv("CI") != null) {
      fail(missing + " — CI is set, so they must be installed");
    }
    Assumptions.assumeTrue(false, missing + " — skipped here because they are not installed");
  }

  /** A new headless browser with its own empty profile and a window of the given size. */
  public static ChromeDriver start(Path profile, int width, int height) {
    return start(profile, width, height, false);
  }

  /**
   * The same, and with {@code networkLog} the DevTools protocol's Network events kept in the
   * driver's performance log, to read every request the page made and the status it got.
   */
  public static ChromeDriver start(Path profile, int width, int height, boolean networkLog) {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        // No network here but loopback: keep Chromium from trying to reach its own services.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--no-first-run",
        "--user-data-dir=" + profile.toAbsolutePath(),
        "--window-size=" + width + "," + height);
    if (networkLog) {
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.PERFORMANCE, Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
    }
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    return driver;
  }

  /** Saves the top of the page as the browser shows it as {@code target/screenshots/NAME.png}. */
  public static Path screenshot(ChromeDriver driver, String name) {
    driver.executeScript("window.scrollTo(0, 0)");
    try {
      Path dir = Files.createDirectories(Path.of("target", "screenshots"));
      Path file = dir.resolve(name + ".png");
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
