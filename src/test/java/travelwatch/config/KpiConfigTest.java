package travelwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
@DisplayName("KPI settings: when snapshots are taken, validated with the variable's name")
class KpiConfigTest {

  private static KpiConfig load(Map<String, String> env) {
    return TravelWatchConfig.from(new Settings(null, env), null).kpi();
  }

  @Test
  @DisplayName(
      "By default the week is taken Friday 18:00 and each day at 18:30, checked each minute")
  void defaults() {
    assertThat(load(Map.of()))
        .isEqualTo(new KpiConfig(DayOfWeek.FRIDAY, LocalTime.of(18, 0), LocalTime.of(18, 30), 60));
  }

  @Test
  @DisplayName("TW_KPI_WEEKLY_AT and TW_KPI_DAILY_AT override the file, which overrides defaults")
  void overrides() {
    Settings settings =
        new Settings(
            new JsonObject().put("kpiWeeklyAt", "SATURDAY 07:00").put("kpiDailyAt", "19:00"),
            Map.of("TW_KPI_WEEKLY_AT", "monday 06:45", "TW_KPI_REFRESH_SECONDS", "5"));
    KpiConfig kpi = TravelWatchConfig.from(settings, null).kpi();
    assertThat(kpi)
        .isEqualTo(new KpiConfig(DayOfWeek.MONDAY, LocalTime.of(6, 45), LocalTime.of(19, 0), 5));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "TW_KPI_WEEKLY_AT|FRIDAY|TW_KPI_WEEKLY_AT: must be a weekday and a 24-hour time like 'FRIDAY 18:00', got 'FRIDAY'",
        "TW_KPI_WEEKLY_AT|FRIDAY 25:00|TW_KPI_WEEKLY_AT: must be a weekday and a 24-hour time",
        "TW_KPI_WEEKLY_AT|FRYDAY 18:00|TW_KPI_WEEKLY_AT: must be a weekday and a 24-hour time",
        "TW_KPI_DAILY_AT|6.30pm|TW_KPI_DAILY_AT: must be a 24-hour time like '18:30', got '6.30pm'",
        "TW_KPI_REFRESH_SECONDS|0|TW_KPI_REFRESH_SECONDS: must be a whole number from 1 to 86400, got 0",
      })
  @DisplayName("A bad KPI setting stops start-up with its name and the reason")
  void invalid(String name, String value, String message) {
    assertThatThrownBy(() -> load(Map.of(name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message);
  }
}
