package travelwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Configuration: typed, validated once, a bad value named with its reason")
class ConfigTest {

  private static TravelWatchConfig load(Map<String, String> env) {
    return TravelWatchConfig.from(new Settings(null, env), null);
  }

  @Test
  @DisplayName("With nothing set, the defaults serve on 8080 with the embedded database in ./data")
  void defaults() {
    TravelWatchConfig config = load(Map.of());
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.database().url()).isEmpty();
    assertThat(config.database().embeddedDataDir())
        .isEqualTo(Path.of("data", "pg").toAbsolutePath());
    assertThat(config.http().bodyLimitBytes()).isEqualTo(1024 * 1024);
    assertThat(config.http().idle()).isEqualTo(java.time.Duration.ofSeconds(60));
    assertThat(config.monitor().streamMaxPerCaller()).isEqualTo(10);
    assertThat(config.monitor().streamMax()).isEqualTo(1000);
    assertThat(config.monitor().gather()).isEqualTo(java.time.Duration.ofMillis(50));
    assertThat(config.map().tileUrl()).isEqualTo("https://tile.openstreetmap.org/{z}/{x}/{y}.png");
    assertThat(config.map().tileOrigin()).isEqualTo("https://tile.openstreetmap.org");
    assertThat(config.map().attribution()).isEqualTo("© OpenStreetMap contributors");
  }

  @Test
  @DisplayName("TW_MAP_TILE_URL names the map's tile host, with its port when it has one")
  void mapTileHost() {
    MapConfig map =
        load(Map.of("TW_MAP_TILE_URL", "http://Tiles.Example:8081/osm/{z}/{x}/{y}.png")).map();
    assertThat(map.tileOrigin()).isEqualTo("http://tiles.example:8081");
    assertThat(map.tileUrl()).isEqualTo("http://Tiles.Example:8081/osm/{z}/{x}/{y}.png");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "TW_HTTP_PORT|abc|TW_HTTP_PORT: must be a whole number from 1 to 65535, got 'abc'",
        "TW_HTTP_PORT|70000|TW_HTTP_PORT: must be a whole number from 1 to 65535, got 70000",
        "TW_HTTP_INSTANCES|0|TW_HTTP_INSTANCES: must be a whole number from 1 to 64, got 0",
        "TW_PG_POOL_SIZE|-3|TW_PG_POOL_SIZE: must be a whole number from 1 to 200, got -3",
        "TW_PLAN_BODY_LIMIT_MB|lots|TW_PLAN_BODY_LIMIT_MB: must be a whole number from 1 to 4096, got 'lots'",
        "TW_PG_URL|mysql://u@h/db|TW_PG_URL: must start with postgresql://",
        "TW_PG_URL|postgresql://u@h:5432/|TW_PG_URL: names no database",
        "TW_PG_URL|postgresql://h:5432/db|TW_PG_URL: names no user",
        "TW_PG_URL|postgresql://u@h:5432/db with space|TW_PG_URL: is not a URI",
        "TW_PUBLIC_URL|not a url|TW_PUBLIC_URL: is not a URL",
        "TW_PUBLIC_URL|/relative|TW_PUBLIC_URL: must be an absolute http(s) URL",
        "TW_MI_DUE_WORKING_DAY|0|TW_MI_DUE_WORKING_DAY: must be a whole number from 1 to 15, got 0",
        "TW_MI_BANK_HOLIDAYS|2027-01-01,2027-02-30|TW_MI_BANK_HOLIDAYS: must be dates as YYYY-MM-DD",
        "TW_HTTP_IDLE_SECONDS|1|TW_HTTP_IDLE_SECONDS: must be a whole number from 2 to 3600, got 1",
        "TW_HTTP_IDLE_SECONDS|15|TW_HTTP_IDLE_SECONDS: must be more than TW_STREAM_HEARTBEAT_SECONDS",
        "TW_STREAM_MAX|0|TW_STREAM_MAX: must be a whole number from 1 to 100000, got 0",
        "TW_MONITOR_GATHER_MS|-1|TW_MONITOR_GATHER_MS: must be a whole number from 0 to 60000, got -1",
        "TW_STREAM_MAX_PER_CALLER|2000|TW_STREAM_MAX_PER_CALLER: must not be more than TW_STREAM_MAX",
        "TW_MAP_TILE_URL|https://tiles.example/{z}/{x}.png|TW_MAP_TILE_URL: must contain {y}",
        "TW_MAP_TILE_URL|https://{s}.tiles.example/{z}/{x}/{y}.png|TW_MAP_TILE_URL: must name one host",
        "TW_MAP_TILE_URL|ftp://tiles.example/{z}/{x}/{y}.png|TW_MAP_TILE_URL: must be an absolute http(s) URL",
        "TW_MAP_TILE_URL|/tiles/{z}/{x}/{y}.png|TW_MAP_TILE_URL: must be an absolute http(s) URL",
      })
  @DisplayName("Each invalid setting stops start-up with its name and the reason")
  void invalidSettingNamed(String name, String value, String message) {
    assertThatThrownBy(() -> load(Map.of(name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  @DisplayName(
      "Retention keeps events 400 days, positions 31 and audit records 2,190 unless set; positions"
          + " cannot outlive the events")
  void retention() {
    assertThat(load(Map.of()).retention()).isEqualTo(new RetentionConfig(400, 31, 2190));
    assertThat(
            load(Map.of("TW_RETENTION_EVENTS_DAYS", "800", "TW_RETENTION_POSITIONS_DAYS", "90"))
                .retention())
        .isEqualTo(new RetentionConfig(800, 90, 2190));
    assertThatThrownBy(
            () ->
                load(Map.of("TW_RETENTION_EVENTS_DAYS", "60", "TW_RETENTION_POSITIONS_DAYS", "61")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "TW_RETENTION_POSITIONS_DAYS: must be at most TW_RETENTION_EVENTS_DAYS (60)");
    assertThatThrownBy(() -> load(Map.of("TW_RETENTION_EVENTS_DAYS", "7")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "TW_RETENTION_EVENTS_DAYS: must be a whole number from 31 to 36500, got 7");
  }

  @Test
  @DisplayName("TW_PG_URL gives user, password, host, port and database")
  void pgUrlParsed() {
    PgUrl url =
        load(Map.of("TW_PG_URL", "postgresql://tw:s%40cret@db.local:6543/travel"))
            .database()
            .url()
            .orElseThrow();
    assertThat(url).isEqualTo(new PgUrl("db.local", 6543, "travel", "tw", "s@cret"));
    assertThat(url.toString()).doesNotContain("s@cret");
  }

  @Test
  @DisplayName("A config file is read, and the environment overrides it")
  void fileThenEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, new JsonObject().put("httpPort", 9000).put("pgPoolSize", 5).encode());

    TravelWatchConfig config =
        TravelWatchConfig.from(Settings.load(file, Map.of("TW_HTTP_PORT", "9100")), null);

    assertThat(config.http().port()).isEqualTo(9100);
    assertThat(config.database().poolSize()).isEqualTo(5);
  }

  @Test
  @DisplayName("A bad value in the config file is named as the file's setting")
  void badFileValue(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"httpPort\": \"eighty\"}");
    assertThatThrownBy(() -> TravelWatchConfig.from(Settings.load(file, Map.of()), null))
        .hasMessage("config httpPort: must be a whole number from 1 to 65535, got 'eighty'");
  }

  @Test
  @DisplayName("A config file that is not JSON stops start-up")
  void fileNotJson(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "httpPort = 80");
    assertThatThrownBy(() -> Settings.load(file, Map.of()))
        .hasMessageContaining("is not a JSON object");
  }
}
