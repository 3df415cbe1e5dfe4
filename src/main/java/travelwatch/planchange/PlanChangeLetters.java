package travelwatch.planchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import travelwatch.notify.Email;
import travelwatch.plan.Plan.Operator;
import travelwatch.planchange.ChangeControl.Touched;
import travelwatch.platform.HtmlText;

/**
 * The email an operator receives when a plan change that touches its runs takes effect: each run,
 * its route, day and direction, and what changed, in references only; no reason or other free text,
 * no pupils. It goes to the operator's email address in the plan (else its control room's).
 */
final class PlanChangeLetters {
  /** Enough for any day's changes; a whole new plan's runs are counted beyond it. */
  static final int MAX_RUNS_LISTED = 500;

  private final String domain;

  PlanChangeLetters(String domain) {
    this.domain = domain;
  }

  /** One email per operator touched that has an address. */
  List<Email> letters(
      long changeId, Map<String, List<Touched>> byOperator, Map<String, Operator> operators) {
    List<Email> emails = new ArrayList<>();
    byOperator.forEach(
        (operatorId, runs) ->
            address(operators.get(operatorId))
                .ifPresent(to -> emails.add(letter(changeId, operatorId, to, runs))));
    return emails;
  }

  private static Optional<String> address(Operator operator) {
    if (operator == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(operator.email())
        .or(() -> Optional.ofNullable(operator.controlRoomEmail()));
  }

  private Email letter(long changeId, String operatorId, String to, List<Touched> runs) {
    List<String> lines = new ArrayList<>();
    for (Touched t : runs.subList(0, Math.min(runs.size(), MAX_RUNS_LISTED))) {
      lines.add(
          "Run "
              + t.run().runId()
              + " (route "
              + t.run().routeId()
              + ", "
              + t.run().date()
              + " "
              + t.run().direction()
              + "): "
              + String.join("; ", t.what()));
    }
    if (runs.size() > MAX_RUNS_LISTED) {
      lines.add("and " + (runs.size() - MAX_RUNS_LISTED) + " more runs.");
    }
    String intro =
        "Plan change "
            + changeId
            + " has taken effect. "
            + (runs.size() == 1 ? "One of your runs" : runs.size() + " of your runs")
            + " changed:";
    String text = intro + "\n\n" + String.join("\n", lines) + "\n";
    StringBuilder html =
        new StringBuilder(
            "<!DOCTYPE html><html lang=\"en\"><body style=\"font-family:sans-serif\"><p>");
    html.append(HtmlText.escape(intro)).append("</p><ul>");
    lines.forEach(l -> html.append("<li>").append(HtmlText.escape(l)).append("</li>"));
    html.append("</ul></body></html>");
    return new Email(
        Email.Kind.PLAN_CHANGE,
        null,
        List.of(to),
        "[TravelWatch] Plan change "
            + changeId
            + ": "
            + runs.size()
            + (runs.size() == 1 ? " run" : " runs")
            + " changed",
        text,
        html.toString(),
        "<plan-change-" + changeId + "-" + operatorId + "@" + domain + ">",
        null);
  }
}
