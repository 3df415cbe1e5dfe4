package travelwatch.webhook;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import travelwatch.notify.Email;
import travelwatch.platform.HtmlText;

/**
 * The email an operator receives when one of its webhook endpoints has failed for 24 hours and is
 * disabled: which endpoint, since when, the last answer, how many deliveries were dropped, and how
 * to start again. It goes to the plan's email address for the operator.
 */
final class WebhookLetters {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("EEEE d MMMM yyyy 'at' HH:mm", Locale.UK);

  private final String publicUrl;
  private final String domain;
  private final ZoneId zone;

  WebhookLetters(String publicUrl, String domain, ZoneId zone) {
    this.publicUrl = publicUrl.endsWith("/") ? publicUrl : publicUrl + "/";
    this.domain = domain;
    this.zone = zone;
  }

  Email disabled(WebhookStore.Disabled d) {
    String since = WHEN.format(d.failingSince().atZone(zone));
    String body =
        "Webhook "
            + d.webhookId()
            + " of "
            + d.operator().name()
            + ", sending to "
            + d.url()
            + ", has failed every delivery since "
            + since
            + " and has been disabled: nothing more will be sent to it. The last answer was: "
            + d.lastAnswer()
            + ". "
            + d.dropped()
            + " deliveries still waiting were dropped; each delivery's tries are listed by GET"
            + " /api/v1/webhooks/"
            + d.webhookId()
            + "/deliveries. Once the receiver works again, register it again with POST"
            + " /api/v1/webhooks (it gets a new secret).";
    String docs = publicUrl + "api/openapi.yaml";
    String text = body + "\n\nThe API: " + docs + "\n";
    String html =
        "<!DOCTYPE html><html lang=\"en\"><body style=\"font-family:sans-serif\"><p>"
            + HtmlText.escape(body)
            + "</p><p><a href=\""
            + HtmlText.escape(docs)
            + "\">The API</a></p></body></html>";
    return new Email(
        Email.Kind.WEBHOOK,
        null,
        List.of(d.operator().email().orElseThrow()),
        "[TravelWatch] Webhook " + d.webhookId() + " disabled after failing for 24 hours",
        text,
        html,
        "<webhook-" + d.webhookId() + "-disabled@" + domain + ">",
        null);
  }
}
