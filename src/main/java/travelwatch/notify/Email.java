package travelwatch.notify;

import java.util.List;

/**
 * An email as the outbox keeps it: both parts rendered, and the threading headers. {@code
 * inReplyTo} (also the References header) ties an alert's escalation and resolution to its first
 * email. An email to a member of the public carries {@code unsubscribeUrl}: the relay sends it as
 * the one-click {@code List-Unsubscribe} headers. An alert's email carries its {@code alertType}
 * code in the {@code X-TravelWatch-Alert-Type} header, so mail rules can sort by it while the
 * subject says the problem in words.
 */
public record Email(
    Kind kind,
    Long alertId,
    List<String> recipients,
    String subject,
    String text,
    String html,
    String messageId,
    String inReplyTo,
    String unsubscribeUrl,
    String alertType) {

  /** What the email is about. */
  public enum Kind {
    ALERT,
    ESCALATION,
    RESOLUTION,
    DIGEST,
    WEEKLY_KPI,
    PARENT,
    SCHOOL,
    /** To an operator whose webhook endpoint was disabled. */
    WEBHOOK,
    /** To managers: an operator's monthly return and its findings, counted by kind. */
    MI,
    /** To an operator whose runs a plan change changed. */
    PLAN_CHANGE;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Kind parse(String text) {
      return valueOf(text.toUpperCase(java.util.Locale.ROOT));
    }
  }

  public Email {
    recipients = List.copyOf(recipients);
  }

  /** An email to staff: no unsubscribe headers. */
  public Email(
      Kind kind,
      Long alertId,
      List<String> recipients,
      String subject,
      String text,
      String html,
      String messageId,
      String inReplyTo) {
    this(kind, alertId, recipients, subject, text, html, messageId, inReplyTo, null, null);
  }

  /** An email to a member of the public, with its one-click unsubscribe address. */
  public Email(
      Kind kind,
      Long alertId,
      List<String> recipients,
      String subject,
      String text,
      String html,
      String messageId,
      String inReplyTo,
      String unsubscribeUrl) {
    this(
        kind, alertId, recipients, subject, text, html, messageId, inReplyTo, unsubscribeUrl, null);
  }
}
