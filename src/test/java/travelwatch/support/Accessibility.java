package travelwatch.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.args.AxeRunOnlyOptions;
import com.deque.html.axecore.args.AxeRunOptions;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.openqa.selenium.WebDriver;

/** Runs axe-core, the accessibility engine, on the page as it stands: WCAG 2.2 A and AA rules. */
public final class Accessibility {
  private static final List<String> WCAG_22_AA =
      List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa");

  private Accessibility() {}

  /** Fails naming each violated rule and where, if axe-core finds any on this screen. */
  public static void assertNoViolations(WebDriver driver, String screen) {
    report(new AxeBuilder().withTags(WCAG_22_AA).analyze(driver), screen);
  }

  /**
   * The same over a page of thousands of elements. axe-core lists every element it checked unless
   * told to list only the violations, and sending that list back to the test is what takes longest;
   * the rules and the elements checked are the same. It runs as one {@code axe.run} (AxeBuilder's
   * legacy mode: the page has no frames), given {@code patience} as the WebDriver script timeout:
   * AxeBuilder's frame-by-frame mode sets the page-load timeout to one second while it runs, and
   * ChromeDriver gives up on a renderer busy for longer than that.
   */
  public static void assertNoViolationsOnLargePage(
      WebDriver driver, String screen, Duration patience) {
    AxeRunOnlyOptions tags = new AxeRunOnlyOptions();
    tags.setType("tag");
    tags.setValues(WCAG_22_AA);
    AxeRunOptions options = new AxeRunOptions();
    options.setRunOnly(tags);
    options.setResultTypes(List.of("violations"));
    Duration before = driver.manage().timeouts().getScriptTimeout();
    driver.manage().timeouts().scriptTimeout(patience);
    try {
      report(
          new AxeBuilder()
              .withOptions(options)
              .setTimeout((int) patience.toSeconds())
              .setLegacyMode(true)
              .analyze(driver),
          screen);
    } finally {
      driver.manage().timeouts().scriptTimeout(before);
    }
  }

  private static void report(Results results, String screen) {
    assertThat(results.isErrored())
        .as("axe-core ran on %s: %s", screen, results.getErrorMessage())
        .isFalse();
    assertThat(results.getPasses()).as("axe-core checked something on %s", screen).isNotEmpty();
    String found =
        results.getViolations().stream()
            .map(Accessibility::describe)
            .collect(Collectors.joining("\n"));
    assertThat(results.getViolations())
        .as("WCAG 2.2 AA violations on %s:\n%s", screen, found)
        .isEmpty();
  }

  private static String describe(Rule rule) {
    return rule.getId()
        + " ("
        + rule.getImpact()
        + "): "
        + rule.getHelp()
        + " — "
        + rule.getNodes().stream()
            .map(n -> String.valueOf(n.getTarget()))
            .limit(5)
            .collect(Collectors.joining(", "));
  }
}
