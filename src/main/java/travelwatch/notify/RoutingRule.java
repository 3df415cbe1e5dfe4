package travelwatch.notify;

import java.util.List;
import java.util.Locale;

/**
 * One line of the routing table: who gets which alert emails and how. Empty filters match
 * everything; an alert type filter may end in {@code .*} to match a family ({@code crew.*}).
 * Recipients are email addresses or {@code role:<role>} (every user with that role).
 */
public record RoutingRule(
    Delivery delivery,
    List<String> recipients,
    List<String> alertTypes,
    List<String> severities,
    List<String> operatorIds) {

  /** When the recipients hear about it. */
  public enum Delivery {
    /** An email for each alert raised, and its resolution. */
    IMMEDIATE,
    /** A line in the next digest email. */
    DIGEST,
    /** An email when a critical alert stays unacknowledged past the escalation time. */
    ESCALATION,
    /** The weekly KPI table. */
    WEEKLY_KPI;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Delivery parse(String text) {
      return valueOf(text.toUpperCase(Locale.ROOT));
    }
  }

  public RoutingRule {
    recipients = List.copyOf(recipients);
    alertTypes = List.copyOf(alertTypes);
    severities = List.copyOf(severities);
    operatorIds = List.copyOf(operatorIds);
  }

  /** Whether an alert of this type and severity, about this operator (or none), is covered. */
  public boolean matches(String type, String severity, String operatorId) {
    return (alertTypes.isEmpty() || alertTypes.stream().anyMatch(t -> typeMatches(t, type)))
        && (severities.isEmpty() || severities.contains(severity))
        && (operatorIds.isEmpty() || (operatorId != null && operatorIds.contains(operatorId)));
  }

  private static boolean typeMatches(String filter, String type) {
    return filter.endsWith(".*")
        ? type.startsWith(filter.substring(0, filter.length() - 1))
        : filter.equals(type);
  }
}
