package travelwatch.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.notify.RoutingRule.Delivery;

@Timeout(10)
@DisplayName("Routing rules choose recipients by alert type, severity and operator")
class RoutingTableTest {
  private final RoutingTable table =
      new RoutingTable(
          List.of(
              new RoutingRule(
                  Delivery.IMMEDIATE,
                  List.of("role:manager"),
                  List.of(),
                  List.of("critical", "high"),
                  List.of()),
              new RoutingRule(
                  Delivery.IMMEDIATE,
                  List.of("oakfield@council.test", "role:manager"),
                  List.of("crew.*", "run.late"),
                  List.of(),
                  List.of("OPA")),
              new RoutingRule(
                  Delivery.DIGEST,
                  List.of("role:manager"),
                  List.of(),
                  List.of("warning"),
                  List.of()),
              new RoutingRule(
                  Delivery.WEEKLY_KPI,
                  List.of("kpi@council.test"),
                  List.of(),
                  List.of(),
                  List.of())));

  @Test
  @DisplayName("Matching rules' recipients are combined once each, in rule order")
  void combined() {
    assertThat(table.recipients(Delivery.IMMEDIATE, "crew.dbs_invalid", "critical", "OPA"))
        .containsExactly("role:manager", "oakfield@council.test");
  }

  @Test
  @DisplayName("A family filter (crew.*) matches its types only; an operator filter its operator")
  void filters() {
    assertThat(table.recipients(Delivery.IMMEDIATE, "crew.changed", "warning", "OPA"))
        .containsExactly("oakfield@council.test", "role:manager");
    assertThat(table.recipients(Delivery.IMMEDIATE, "crew.changed", "warning", "OPB")).isEmpty();
    assertThat(table.recipients(Delivery.IMMEDIATE, "run.feed_silent", "warning", "OPA")).isEmpty();
    assertThat(table.recipients(Delivery.IMMEDIATE, "calls.long_wait", "warning", null)).isEmpty();
    assertThat(table.recipients(Delivery.DIGEST, "calls.long_wait", "warning", null))
        .containsExactly("role:manager");
  }

  @Test
  @DisplayName("The weekly KPI list comes from weekly_kpi rules only")
  void weekly() {
    assertThat(table.weeklyKpi()).containsExactly("kpi@council.test");
  }
}
