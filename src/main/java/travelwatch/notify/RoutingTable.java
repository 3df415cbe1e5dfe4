package travelwatch.notify;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import travelwatch.notify.RoutingRule.Delivery;

/** The routing rules in order, and what they say about one alert. */
public record RoutingTable(List<RoutingRule> rules) {

  public RoutingTable {
    rules = List.copyOf(rules);
  }

  /** The recipients (addresses or role references) of every matching rule of that delivery. */
  public List<String> recipients(
      Delivery delivery, String type, String severity, String operatorId) {
    Set<String> found = new LinkedHashSet<>();
    for (RoutingRule rule : rules) {
      if (rule.delivery() == delivery && rule.matches(type, severity, operatorId)) {
        found.addAll(rule.recipients());
      }
    }
    return new ArrayList<>(found);
  }

  /** The recipients of the weekly KPI email. */
  public List<String> weeklyKpi() {
    Set<String> found = new LinkedHashSet<>();
    rules.stream()
        .filter(r -> r.delivery() == Delivery.WEEKLY_KPI)
        .forEach(r -> found.addAll(r.recipients()));
    return new ArrayList<>(found);
  }
}
