package travelwatch.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
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
    Results results = new AxeBuilder().withTags(WCAG_22_AA).analyze(driver);
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
