package travelwatch.school;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import travelwatch.notify.Email;
import travelwatch.platform.HtmlText;

/**
 * The emails a school office receives about runs to and from it: references and the plan's names
 * only (no pupil has a name, and nothing an operator typed is in them); a day's emails about one
 * run are one thread.
 */
final class SchoolLetters {
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

  private final String publicUrl;
  private final String domain;
  private final ZoneId zone;

  SchoolLetters(String publicUrl, String domain, ZoneId zone) {
    this.publicUrl = publicUrl.endsWith("/") ? publicUrl : publicUrl + "/";
    this.domain = domain;
    this.zone = zone;
  }

  /** What a notice is about, in the plan's words. */
  record About(
      String schoolId,
      String schoolName,
      String email,
      String runId,
      String direction,
      String operatorName,
      Instant arriveBy,
      Instant eta) {}

  Email notice(About a, RunNotices.Notice n, String droppedStop, Instant at) {
    String run =
        "run "
            + a.runId()
            + (("AM".equals(a.direction())) ? " (to school)" : " (home from school)");
    String subject;
    String body;
    switch (n.kind()) {
      case LATE -> {
        subject = "[" + a.schoolName() + "] Late: " + run + ", about " + n.minutes() + " minutes";
        body =
            "The "
                + run
                + " by "
                + a.operatorName()
                + " is expected about "
                + n.minutes()
                + " minutes late"
                + (a.eta() == null ? "" : ", at about " + time(a.eta()))
                + " (due by "
                + time(a.arriveBy())
                + "). The transport service is following it.";
      }
      case CANCELLED -> {
        subject = "[" + a.schoolName() + "] Cancelled: " + run;
        body =
            "The "
                + run
                + " by "
                + a.operatorName()
                + " has been cancelled today. The transport service is arranging what happens"
                + " instead and will tell families.";
      }
      default -> {
        subject = "[" + a.schoolName() + "] Pupil " + n.subject() + " dropped elsewhere";
        body =
            "Pupil "
                + n.subject()
                + " on the "
                + run
                + " was recorded as dropped at "
                + (droppedStop == null
                    ? "a stop that is not on the run's plan"
                    : "stop " + droppedStop)
                + ", not the stop planned. Please tell the transport service at once if the"
                + " pupil is not with you.";
      }
    }
    String page = publicUrl;
    String text = body + "\n\nToday's runs for your school: " + page + "\n";
    String html =
        "<!DOCTYPE html><html lang=\"en\"><body style=\"font-family:sans-serif\"><p>"
            + HtmlText.escape(body)
            + "</p><p><a href=\""
            + HtmlText.escape(page)
            + "\">Today's runs for your school</a></p></body></html>";
    LocalDate day = at.atZone(zone).toLocalDate();
    return new Email(
        Email.Kind.SCHOOL,
        null,
        List.of(a.email()),
        subject,
        text,
        html,
        "<school." + a.schoolId() + "." + UUID.randomUUID() + "@" + domain + ">",
        "<school." + a.schoolId() + "." + a.runId() + "." + day + "@" + domain + ">");
  }

  private String time(Instant t) {
    return HH_MM.format(t.atZone(zone));
  }
}
