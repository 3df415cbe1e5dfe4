package travelwatch.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.config.ConfigException;
import travelwatch.config.Settings;
import travelwatch.config.TravelWatchConfig;
import travelwatch.support.TestServer;

@Timeout(120)
@DisplayName("/metrics behind TW_METRICS_TOKEN")
class MetricsTokenTest {
  private static final String TOKEN = "scrape-token-0123456789";
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = new TestServer(Map.of("TW_METRICS_TOKEN", TOKEN), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("Without the token, or with another, /metrics answers 401 and shows nothing")
  void refusedWithoutTheToken() {
    for (String sent : new String[] {null, "not-the-token-0123456789", TOKEN + "x"}) {
      var response = server.get("/metrics", sent);
      assertThat(response.statusCode()).as(String.valueOf(sent)).isEqualTo(401);
      assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
      assertThat(response.bodyAsString()).doesNotContain("travelwatch_");
    }
  }

  @Test
  @DisplayName("With 'Authorization: Bearer <token>' /metrics answers with the Prometheus text")
  void servedWithTheToken() {
    var response = server.get("/metrics", TOKEN);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).contains("jvm_memory_used_bytes");
  }

  @Test
  @DisplayName("The probes stay open to anyone when the token is set")
  void probesStayOpen() {
    assertThat(server.get("/health/live", null).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("A token too short to be a secret stops start-up, naming TW_METRICS_TOKEN")
  void shortTokenRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                TravelWatchConfig.from(
                    new Settings(null, Map.of("TW_METRICS_TOKEN", "secret")), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("TW_METRICS_TOKEN: must be at least 16");
  }
}
