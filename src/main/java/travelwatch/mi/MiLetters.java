package travelwatch.mi;

import java.net.URI;
import java.time.YearMonth;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import travelwatch.notify.Email;
import travelwatch.platform.HtmlText;

/**
 * The managers' summary of a return's findings. It carries codes, kinds and counts only: the
 * operator's id from the plan, the month, the version and each kind's count, never a value the
 * operator typed into the return.
 */
final class MiLetters {
  private final URI publicUrl;
  private final String domain;

  MiLetters(URI publicUrl, String domain) {
    this.publicUrl = publicUrl;
    this.domain = domain;
  }

  Email summary(
      List<String> to, String operatorId, YearMonth month, int version, List<Finding> findings) {
    Map<Finding.Severity, Integer> counts = MiJson.counts(findings);
    Map<Finding.Kind, Integer> byKind = new TreeMap<>();
    findings.forEach(f -> byKind.merge(f.kind(), 1, Integer::sum));
    String monthName =
        month.getMonth().getDisplayName(TextStyle.FULL, Locale.UK) + " " + month.getYear();
    String subject =
        "[TravelWatch] Monthly return of "
            + operatorId
            + " for "
            + monthName
            + ": "
            + counts.get(Finding.Severity.CRITICAL)
            + " critical, "
            + counts.get(Finding.Severity.HIGH)
            + " high";
    String base = publicUrl.toString().endsWith("/") ? publicUrl.toString() : publicUrl + "/";
    String link = base + "api/v1/operators/" + operatorId + "/mi/" + month + "?format=csv";
    String intro =
        "Operator "
            + operatorId
            + " sent its management information for "
            + monthName
            + " (version "
            + version
            + "). Compared with the plan and what was recorded, it has "
            + findings.size()
            + " finding(s): "
            + counts.get(Finding.Severity.CRITICAL)
            + " critical, "
            + counts.get(Finding.Severity.HIGH)
            + " high, "
            + counts.get(Finding.Severity.WARNING)
            + " warning.";
    StringBuilder text = new StringBuilder(intro).append("\n\n");
    StringBuilder rows = new StringBuilder();
    byKind.forEach(
        (kind, n) -> {
          text.append(kind.severity().wireName())
              .append("  ")
              .append(kind.wireName())
              .append(": ")
              .append(n)
              .append('\n');
          rows.append("<tr><td>")
              .append(kind.severity().wireName())
              .append("</td><td>")
              .append(kind.wireName())
              .append("</td><td align=\"right\">")
              .append(n)
              .append("</td></tr>");
        });
    text.append("\nThe findings: ").append(link).append('\n');
    String html =
        "<!DOCTYPE html><html><body style=\"font-family:sans-serif\"><p>"
            + HtmlText.escape(intro)
            + "</p><table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">"
            + "<tr><th>Severity</th><th>Finding</th><th>Count</th></tr>"
            + rows
            + "</table><p><a href=\""
            + HtmlText.escape(link)
            + "\">The findings (CSV)</a></p></body></html>";
    return new Email(
        Email.Kind.MI,
        null,
        to,
        subject,
        text.toString(),
        html,
        "<mi-" + operatorId + "-" + month + "-v" + version + "@" + domain + ">",
        null);
  }
}
