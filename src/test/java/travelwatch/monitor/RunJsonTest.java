package travelwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A run has one JSON form, whether from the board's store or the monitor's state")
class RunJsonTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");

  private static RunView view(String status, Instant eta, Integer openAlerts) {
    return new RunView(
        "R1-AM",
        "R1",
        "OP1",
        "SCH1",
        LocalDate.of(2026, 11, 23),
        "AM",
        status,
        Instant.parse("2026-11-23T08:40:00Z"),
        eta,
        eta == null ? null : 3,
        "D1",
        null,
        "BX19 ABC",
        openAlerts,
        null,
        null,
        false,
        null);
  }

  @Test
  @DisplayName("The ETA shows while the run is on its way and is gone once it arrived or completed")
  void etaRule() {
    Instant eta = Instant.parse("2026-11-23T08:43:00Z");
    assertThat(RunJson.of(view("started", eta, 0), LONDON).getString("eta"))
        .isEqualTo("2026-11-23T08:43:00Z");
    assertThat(RunJson.of(view("arrived", eta, 0), LONDON).containsKey("eta")).isFalse();
    assertThat(RunJson.of(view("completed", eta, 0), LONDON).containsKey("eta")).isFalse();
  }

  @Test
  @DisplayName("Absent facts are left out, never written as null")
  void absentFactsLeftOut() {
    JsonObject j = RunJson.of(view("planned", null, null), LONDON);
    assertThat(j.fieldNames())
        .containsExactlyInAnyOrder(
            "id",
            "routeId",
            "operatorId",
            "schoolId",
            "date",
            "direction",
            "status",
            "arriveBy",
            "driverId",
            "vehicleReg");
    assertThat(j.getString("arriveBy")).isEqualTo("2026-11-23T08:40:00Z");
  }
}
