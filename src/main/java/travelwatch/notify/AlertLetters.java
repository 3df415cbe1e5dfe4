package travelwatch.notify;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import travelwatch.alert.Alert;
import travelwatch.plan.PlanStore;
import travelwatch.plan.RunContext;
import travelwatch.platform.HtmlText;

/**
 * Writes the alert emails managers read: the first one, its escalation, its resolution, and the
 * digest. They carry references only (run, route, school, operator, crew and pupil ids), never a
 * pupil's name, address or needs, and never a controller's free-text note.
 */
public final class AlertLetters {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm", Locale.UK);

  /** What to do next, for each alert type: the control room's first step. */
  private static final Map<String, String> NEXT_STEPS =
      Map.ofEntries(
          Map.entry(
              "crew.dbs_not_cleared",
              "Call the operator now: this crew member has a positive DBS without HR clearance and"
                  + " must not work with pupils. Arrange cleared cover before the run goes on."),
          Map.entry(
              "crew.dbs_invalid",
              "Ask the operator for a current DBS with a barred-list check; the crew member must"
                  + " not work with pupils until one is on record."),
          Map.entry(
              "crew.unknown",
              "Call the operator to identify the crew member: crew not registered to the"
                  + " operator must not carry pupils."),
          Map.entry(
              "crew.guide_missing",
              "Call the operator: this route needs a passenger assistant on board. Hold the run"
                  + " or send a guide before pupils board."),
          Map.entry(
              "pupil.wrong_dropoff",
              "Call the driver and the school at once to confirm where the pupil is, then"
                  + " contact the family through the contact centre."),
          Map.entry(
              "incident.safeguarding",
              "Follow the safeguarding procedure: tell the designated safeguarding lead now and"
                  + " record what was done."),
          Map.entry(
              "school.pupil_not_arrived",
              "Call the school back and the driver at once: the pupil was not dropped at school"
                  + " as planned. Find where the pupil is, then contact the family through the"
                  + " contact centre."),
          Map.entry(
              "school.report",
              "Read the school's report and call the school back if it needs an answer."),
          Map.entry(
              "run.not_started",
              "Call the operator to confirm the vehicle is on its way; tell the school and"
                  + " families if it will be late."),
          Map.entry(
              "run.late",
              "Tell the school the expected arrival and ask the operator for the reason."),
          Map.entry(
              "run.cancelled",
              "Arrange other transport with the operator or another contractor; tell the school"
                  + " and families."),
          Map.entry(
              "pupil.missed",
              "Call the driver to check on the pupil and contact the family through the contact"
                  + " centre."),
          Map.entry(
              "pupil.journey_too_long",
              "Ask the operator why the journey is long and check on the pupil with the guide."),
          Map.entry(
              "calls.answer_rate_low",
              "Move staff onto the phones: the answer rate is below the council's target."),
          Map.entry("calls.long_wait", "Answer the waiting call."),
          Map.entry(
              "crew.changed",
              "Check the new crew are cleared and known to the pupils; record the change."),
          Map.entry(
              "vehicle.alarm",
              "Call the driver and the operator now: the vehicle's tracker sent an SOS alarm. If"
                  + " there is no answer, call the emergency services."),
          Map.entry(
              "run.feed_silent",
              "Call the operator to find out where the vehicle is and why its tracker is silent."),
          Map.entry(
              "crew.badge_expired",
              "The driver's badge has expired: the operator must send another driver."),
          Map.entry(
              "mi.finding",
              "Read the return's reconciliation (GET /api/v1/operators/{operatorId}/mi/{month})"
                  + " and take the findings up with the operator."),
          Map.entry(
              "operator.mi_overdue",
              "Ask the operator for the month's management information return; it is past its"
                  + " due date."));

  private final ZoneId zone;
  private final URI publicUrl;
  private final String domain;

  public AlertLetters(ZoneId zone, URI publicUrl, String domain) {
    this.zone = zone;
    this.publicUrl = publicUrl;
    this.domain = domain;
  }

  /** The facts an alert email names, read from the plan in the alert's transaction. */
  public record Context(
      Optional<RunContext> run,
      Optional<PlanStore.OperatorContact> operator,
      Optional<String> crewRole) {
    Optional<String> operatorName() {
      return operator.map(PlanStore.OperatorContact::name);
    }

    /** The operator's phone: the run's operator's, or the alert's operator's. */
    Optional<String> operatorPhone() {
      return run.isPresent()
          ? Optional.ofNullable(run.get().operatorPhone())
          : operator.flatMap(PlanStore.OperatorContact::phone);
    }
  }

  /** Each alert type's problem in the council's words, for subjects. */
  private static final Map<String, String> TITLES =
      Map.ofEntries(
          Map.entry("crew.dbs_not_cleared", "Driver not cleared"),
          Map.entry("crew.dbs_invalid", "No valid DBS check"),
          Map.entry("crew.unknown", "Unregistered crew"),
          Map.entry("crew.guide_missing", "No passenger assistant"),
          Map.entry("pupil.wrong_dropoff", "Pupil dropped at the wrong place"),
          Map.entry("incident.safeguarding", "Safeguarding incident"),
          Map.entry("school.pupil_not_arrived", "Pupil not arrived at school"),
          Map.entry("school.report", "Report from a school"),
          Map.entry("run.not_started", "Run not started"),
          Map.entry("run.late", "Run late"),
          Map.entry("run.cancelled", "Run cancelled"),
          Map.entry("pupil.missed", "Pupil missed"),
          Map.entry("pupil.journey_too_long", "Journey too long"),
          Map.entry("calls.answer_rate_low", "Phones: answer rate low"),
          Map.entry("calls.long_wait", "Phones: caller waiting long"),
          Map.entry("crew.changed", "Crew changed"),
          Map.entry("run.feed_silent", "Vehicle silent"),
          Map.entry("vehicle.alarm", "SOS alarm from a vehicle"),
          Map.entry("crew.badge_expired", "Driver's badge expired"),
          Map.entry("mi.finding", "Monthly return: findings"),
          Map.entry("operator.mi_overdue", "Monthly return overdue"));

  /** The alert's problem in words; its type code where no words are written. */
  static String title(String type) {
    return TITLES.getOrDefault(type, type);
  }

  /** As {@link #title(String)}, naming a guide as a guide. */
  static String title(Alert alert, Context context) {
    String title = title(alert.type());
    return context.crewRole().filter("guide"::equals).isPresent() && title.startsWith("Driver ")
        ? "Guide " + title.substring("Driver ".length())
        : title;
  }

  /** The id of an alert's first email, which every later email about it refers to. */
  public String threadId(long alertId) {
    return "<alert-" + alertId + "@" + domain + ">";
  }

  public Email raised(Alert alert, Context context, List<String> to) {
    return letter(Email.Kind.ALERT, alert, context, to, "", threadId(alert.id()), null);
  }

  public Email escalated(Alert alert, Context context, List<String> to, OffsetDateTime since) {
    String preface =
        "Not acknowledged since " + when(since) + ": this critical alert is escalated to you.\n\n";
    return letter(
        Email.Kind.ESCALATION,
        alert,
        context,
        to,
        preface,
        "<alert-" + alert.id() + "-escalated@" + domain + ">",
        threadId(alert.id()));
  }

  public Email resolved(Alert alert, Context context, List<String> to) {
    String by =
        alert.resolvedBy() == null || "system".equals(alert.resolvedBy())
            ? "its condition cleared"
            : "by " + alert.resolvedBy();
    String when = alert.resolvedAt() == null ? "" : " at " + when(alert.resolvedAt());
    String subject = "[RESOLVED] " + title(alert, context) + " — " + subjectPlace(alert, context);
    String text =
        "Resolved"
            + when
            + ", "
            + by
            + ".\n\n"
            + alert.summary()
            + "\n\nAlert: "
            + link(alert)
            + "\n";
    String html =
        "<p>Resolved"
            + HtmlText.escape(when)
            + ", "
            + HtmlText.escape(by)
            + ".</p><p>"
            + HtmlText.escape(alert.summary())
            + "</p><p><a href=\""
            + HtmlText.escape(link(alert))
            + "\">Open the alert</a></p>";
    return new Email(
        Email.Kind.RESOLUTION,
        alert.id(),
        to,
        subject,
        text,
        page(html),
        "<alert-" + alert.id() + "-resolved@" + domain + ">",
        threadId(alert.id()),
        null,
        alert.type());
  }

  /** One digest line: an alert and what happened to it. */
  public record DigestLine(Alert alert, String transition, boolean folded) {}

  public Email digest(String recipient, List<DigestLine> lines, String messageKey) {
    StringBuilder text =
        new StringBuilder("Alerts since the last digest (" + lines.size() + "):\n\n");
    StringBuilder rows = new StringBuilder();
    for (DigestLine l : lines) {
      Alert a = l.alert();
      String note = l.folded() ? " (held back from an immediate email in a busy period)" : "";
      text.append("- [")
          .append(a.severity().toUpperCase(Locale.ROOT))
          .append("] ")
          .append(a.type())
          .append(" — ")
          .append(a.summary())
          .append(" — ")
          .append(l.transition())
          .append(", now ")
          .append(a.state())
          .append(note)
          .append("\n  ")
          .append(link(a))
          .append('\n');
      rows.append("<tr><td>")
          .append(HtmlText.escape(a.severity().toUpperCase(Locale.ROOT)))
          .append("</td><td>")
          .append(HtmlText.escape(a.type()))
          .append("</td><td>")
          .append(HtmlText.escape(a.summary()))
          .append(HtmlText.escape(note))
          .append("</td><td>")
          .append(HtmlText.escape(a.state()))
          .append("</td><td><a href=\"")
          .append(HtmlText.escape(link(a)))
          .append("\">#")
          .append(a.id())
          .append("</a></td></tr>");
    }
    String html =
        "<p>Alerts since the last digest ("
            + lines.size()
            + "):</p><table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">"
            + "<tr><th>Severity</th><th>Type</th><th>What happened</th><th>State</th>"
            + "<th>Alert</th></tr>"
            + rows
            + "</table>";
    return new Email(
        Email.Kind.DIGEST,
        null,
        List.of(recipient),
        "TravelWatch digest: " + lines.size() + " alert" + (lines.size() == 1 ? "" : "s"),
        text.toString(),
        page(html),
        "<digest-" + messageKey + "@" + domain + ">",
        null);
  }

  /** The weekly KPI email, threaded by week. */
  public Email weeklyKpi(
      List<String> to, String subject, String text, String html, String messageKey) {
    return new Email(
        Email.Kind.WEEKLY_KPI,
        null,
        to,
        subject,
        text,
        html,
        "<kpi-" + messageKey + "@" + domain + ">",
        null);
  }

  private Email letter(
      Email.Kind kind,
      Alert alert,
      Context context,
      List<String> to,
      String preface,
      String messageId,
      String inReplyTo) {
    String severity = alert.severity().toUpperCase(Locale.ROOT);
    String subject =
        "["
            + severity
            + "] "
            + (kind == Email.Kind.ESCALATION ? "ESCALATED " : "")
            + title(alert, context)
            + " — "
            + subjectPlace(alert, context);
    List<String[]> facts = facts(alert, context);
    String next = NEXT_STEPS.getOrDefault(alert.type(), "Check the alert on the dashboard.");
    String phone = context.operatorPhone().orElse(null);
    if (phone != null && next.startsWith("Call the operator")) {
      next = "Call the operator (" + phone + ")" + next.substring("Call the operator".length());
    }
    StringBuilder text = new StringBuilder(preface);
    text.append("What happened: ").append(alert.summary()).append("\n\n");
    for (String[] f : facts) {
      text.append(f[0]).append(": ").append(f[1]).append('\n');
    }
    text.append("\nWhat to do next: ").append(next).append("\n\nAlert: ").append(link(alert));
    text.append('\n');
    StringBuilder html = new StringBuilder();
    if (!preface.isEmpty()) {
      html.append("<p><strong>").append(HtmlText.escape(preface.trim())).append("</strong></p>");
    }
    html.append("<p><strong>What happened:</strong> ")
        .append(HtmlText.escape(alert.summary()))
        .append("</p><table cellpadding=\"3\">");
    for (String[] f : facts) {
      html.append("<tr><th align=\"left\">")
          .append(HtmlText.escape(f[0]))
          .append("</th><td>")
          .append(HtmlText.escape(f[1]))
          .append("</td></tr>");
    }
    html.append("</table><p><strong>What to do next:</strong> ")
        .append(HtmlText.escape(next))
        .append("</p><p><a href=\"")
        .append(HtmlText.escape(link(alert)))
        .append("\">Open the alert on the dashboard</a></p>");
    return new Email(
        kind,
        alert.id(),
        to,
        subject,
        text.toString(),
        page(html.toString()),
        messageId,
        inReplyTo,
        null,
        alert.type());
  }

  private List<String[]> facts(Alert a, Context c) {
    List<String[]> facts = new ArrayList<>();
    facts.add(new String[] {"Severity", a.severity()});
    facts.add(new String[] {"Raised", when(a.raisedAt())});
    if (a.count() > 1) {
      facts.add(new String[] {"Seen", a.count() + " times, last " + when(a.lastSeenAt())});
    }
    c.run()
        .ifPresent(
            r -> {
              facts.add(
                  new String[] {
                    "Run", r.runId() + " (route " + r.routeId() + ", " + r.direction() + ")"
                  });
              facts.add(new String[] {"Date", r.date() + ", arrive by " + r.arriveBy().toString()});
              facts.add(new String[] {"School", r.schoolName()});
              facts.add(new String[] {"Pupils on the run", String.valueOf(r.pupils())});
            });
    String operatorId = c.run().map(RunContext::operatorId).orElse(a.operatorId());
    if (operatorId != null) {
      String name = c.run().map(RunContext::operatorName).or(c::operatorName).orElse(null);
      facts.add(
          new String[] {"Operator", name == null ? operatorId : name + " (" + operatorId + ")"});
      c.operatorPhone().ifPresent(phone -> facts.add(new String[] {"Operator's phone", phone}));
    }
    if (a.crewId() != null) {
      facts.add(new String[] {"Crew member", a.crewId()});
    }
    if (a.pupilId() != null) {
      facts.add(new String[] {"Pupil reference", a.pupilId()});
    }
    return facts;
  }

  private static String subjectPlace(Alert a, Context c) {
    if (c.run().isPresent()) {
      RunContext r = c.run().get();
      return "run " + r.runId() + " " + r.direction() + ", " + r.schoolName();
    }
    if (a.crewId() != null) {
      return "crew " + a.crewId() + c.operatorName().map(n -> ", " + n).orElse("");
    }
    if (a.type().startsWith("calls.")) {
      return "contact centre phones";
    }
    return c.operatorName().orElse("service " + a.serviceDate());
  }

  private String link(Alert a) {
    String base = publicUrl.toString();
    return (base.endsWith("/") ? base : base + "/") + "#/alerts/" + a.id();
  }

  private String when(OffsetDateTime t) {
    return t.atZoneSameInstant(zone).format(WHEN);
  }

  private static String page(String body) {
    return "<!DOCTYPE html><html><body style=\"font-family:sans-serif\">" + body + "</body></html>";
  }
}
