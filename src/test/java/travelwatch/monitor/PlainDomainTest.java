package travelwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Rules and state machines are plain Java: no Vert.x, no SQL, time passed in")
class PlainDomainTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "monitor/Observation",
        "alert/Condition",
        "monitor/RunPlan",
        "monitor/RunState",
        "monitor/CrewRegistry",
        "monitor/CrewCompliance",
        "monitor/CallsWindow",
        "monitor/Eta",
        "monitor/Geo",
        "monitor/RunProgress",
        "monitor/RunRules",
        "monitor/Monitor",
        "config/MonitorSettings",
        "monitor/RunPlans",
        "alert/AlertType",
        "plan/Plan",
        "plan/PlanGenerator"
      })
  @DisplayName("The class imports nothing of Vert.x or JDBC and reads no system clock")
  void plainJava(String name) throws Exception {
    String source = Files.readString(Path.of("src/main/java/travelwatch", name + ".java"));
    for (String forbidden :
        List.of(
            "import io.vertx",
            "import java.sql",
            "Instant.now()",
            "LocalDate.now()",
            "System.currentTimeMillis")) {
      assertThat(source).as(name + " must not use " + forbidden).doesNotContain(forbidden);
    }
  }
}
