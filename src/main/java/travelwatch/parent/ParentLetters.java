package travelwatch.parent;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import travelwatch.notify.Email;
import travelwatch.platform.HtmlText;

/**
 * The emails a parent receives, in plain words: the confirmation of their address, the notices of a
 * journey, and the service's replies to their messages. Each carries a one-click unsubscribe link;
 * a day's emails about one pupil are one thread. Nothing an operator typed is ever in them (a
 * cancellation's reason is on the parent's page, not in the email), and no pupil has a name.
 */
final class ParentLetters {
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("EEEE d MMMM", Locale.UK);

  private final URI publicUrl;
  private final String domain;
  private final ZoneId zone;

  ParentLetters(URI publicUrl, String domain, ZoneId zone) {
    this.publicUrl = publicUrl;
    this.domain = domain;
    this.zone = zone;
  }

  /** Where a mail client's one-click unsubscribe posts (RFC 8058), and the page link's code. */
  String unsubscribeUrl(String code) {
    return base() + "/api/v1/parent/unsubscribe?code=" + code;
  }

  Email confirmation(long linkId, String to, String code, String unsubscribeCode, Instant at) {
    String link = base() + "/parent/#confirm=" + code;
    String text =
        "Someone asked for emails about a child's school transport to be sent to this address.\n\n"
            + "To confirm, open this link:\n"
            + link
            + "\n\nIf it was not you, do nothing: no other email will be sent to this address.\n";
    String html =
        "<p>Someone asked for emails about a child's school transport to be sent to this"
            + " address.</p><p><a href=\""
            + HtmlText.escape(link)
            + "\">Confirm this address</a></p><p>If it was not you, do nothing: no other email"
            + " will be sent to this address.</p>";
    return email(
        linkId,
        to,
        "Confirm your email for school transport updates",
        text,
        html,
        unsubscribeCode,
        at,
        false);
  }

  Email notice(
      long linkId,
      String to,
      String pupilId,
      Journey journey,
      JourneyNotices.Notice notice,
      String unsubscribeCode,
      Instant at) {
    String trip = journey.morning() ? "morning transport to school" : "afternoon transport home";
    String subject;
    String body;
    switch (notice.kind()) {
      case CANCELLED -> {
        subject = "Cancelled: today's " + trip;
        body =
            "Today's "
                + trip
                + " has been cancelled. The transport service will be in touch about what"
                + " happens instead.";
      }
      case LATE -> {
        subject = "Running late: today's " + trip;
        Instant eta = journey.eta();
        body =
            "Today's "
                + trip
                + " is running about "
                + notice.minutes()
                + " minutes late"
                + (eta == null
                    ? "."
                    : (journey.morning() && journey.boardedAt() == null
                            ? ": expected at your stop at about "
                            : ": expected at about ")
                        + Journey.time(eta, zone)
                        + ".");
      }
      case PICKED_UP -> {
        subject = "Picked up: today's " + trip;
        body = "Picked up at " + Journey.time(journey.boardedAt(), zone) + ".";
      }
      default -> {
        subject = "Dropped off: today's " + trip;
        body =
            (journey.morning() ? "Arrived at school at " : "Dropped off at ")
                + Journey.time(journey.deliveredAt(), zone)
                + ".";
      }
    }
    String about = "About pupil reference " + pupilId + ", " + day(at) + ".";
    String page = base() + "/parent/";
    String text = body + "\n\n" + about + "\nToday's journeys: " + page + "\n";
    String html =
        "<p>"
            + HtmlText.escape(body)
            + "</p><p>"
            + HtmlText.escape(about)
            + "</p><p><a href=\""
            + HtmlText.escape(page)
            + "\">Today's journeys</a></p>";
    return email(linkId, to, subject, text, html, unsubscribeCode, at, true);
  }

  Email reply(long linkId, String to, String replyText, String unsubscribeCode, Instant at) {
    String page = base() + "/parent/";
    String text =
        "The transport service replied to your message:\n\n"
            + replyText
            + "\n\nYour messages and replies: "
            + page
            + "\n";
    String html =
        "<p>The transport service replied to your message:</p><blockquote style=\""
            + "white-space:pre-wrap\">"
            + HtmlText.escape(replyText)
            + "</blockquote><p><a href=\""
            + HtmlText.escape(page)
            + "\">Your messages and replies</a></p>";
    return email(
        linkId,
        to,
        "Reply from the school transport service",
        text,
        html,
        unsubscribeCode,
        at,
        true);
  }

  private Email email(
      long linkId,
      String to,
      String subject,
      String text,
      String html,
      String unsubscribeCode,
      Instant at,
      boolean threaded) {
    String unsubscribePage = base() + "/parent/#unsubscribe=" + unsubscribeCode;
    String fullText = text + "\nStop these emails (one click): " + unsubscribePage + "\n";
    String fullHtml =
        "<!DOCTYPE html><html lang=\"en\"><body style=\"font-family:sans-serif\">"
            + html
            + "<p style=\"font-size:small\"><a href=\""
            + HtmlText.escape(unsubscribePage)
            + "\">Stop these emails</a></p></body></html>";
    return new Email(
        Email.Kind.PARENT,
        null,
        List.of(to),
        subject,
        fullText,
        fullHtml,
        ParentSql.messageIdPrefix(linkId) + UUID.randomUUID() + "@" + domain + ">",
        threaded ? thread(linkId, at) : null,
        unsubscribeUrl(unsubscribeCode));
  }

  /** A day's emails about one link's pupil share this thread. */
  private String thread(long linkId, Instant at) {
    LocalDate day = at.atZone(zone).toLocalDate();
    return "<parent." + linkId + "." + day + "@" + domain + ">";
  }

  private String day(Instant at) {
    return DAY.format(at.atZone(zone));
  }

  private String base() {
    String s = publicUrl.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
