package travelwatch.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.support.PromQl;

@DisplayName("Reading metric and label names out of PromQL, for checking dashboards")
class PromQlTest {
  @Test
  @DisplayName("Metric names are found; functions, keywords, grouping labels and numbers are not")
  void metricNames() {
    String expr =
        "histogram_quantile(0.95, sum by (le, route) (rate(vertx_http_server_response_time_seconds_bucket"
            + "{instance=~\".*\", route=~\"/api/v1/events.*\"}[1m]))) > bool 1e-3"
            + " or on (instance) up offset 5m unless ignoring(job) sum(process_cpu_usage) without (gc)";

    assertThat(PromQl.metricNames(expr))
        .containsExactly(
            "vertx_http_server_response_time_seconds_bucket", "up", "process_cpu_usage");
  }

  @Test
  @DisplayName("A name inside a label value or a string is not taken for a metric")
  void stringsAreNotNames() {
    assertThat(PromQl.metricNames("max(travelwatch_alerts_open{type=\"run.late\"}) > 0"))
        .containsExactly("travelwatch_alerts_open");
    assertThat(PromQl.metricNames("label_replace(up, \"node\", \"$1\", \"instance\", \"(.*)\")"))
        .containsExactly("up");
  }

  @Test
  @DisplayName("Label matchers are listed by the metric they select, whatever their operator")
  void matchedLabels() {
    String expr =
        "sum(rate(vertx_pool_usage_seconds_sum{pool_type=\"sql\", instance=~\"$i\"}[1m]))"
            + " / sum(rate(vertx_pool_usage_seconds_count{pool_name!=\"x\",code!~\"5..\"}[1m]))";

    assertThat(PromQl.matchedLabels(expr))
        .isEqualTo(
            Map.of(
                "vertx_pool_usage_seconds_sum", Set.of("pool_type", "instance"),
                "vertx_pool_usage_seconds_count", Set.of("pool_name", "code")));
  }
}
