package travelwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
@DisplayName("Mail settings: SMTP or the .eml folder, validated with the variable's name")
class NotifyConfigTest {

  private static NotifyConfig load(Map<String, String> env) {
    return TravelWatchConfig.from(new Settings(null, env), Path.of("/srv/tw")).notifications();
  }

  @Test
  @DisplayName(
      "With no SMTP host emails go to data/mail; digests every 30 min, escalation after 10")
  void defaults() {
    NotifyConfig c = load(Map.of());
    assertThat(c.smtp()).isEmpty();
    assertThat(c.mailDir()).isEqualTo(Path.of("/srv/tw/mail"));
    assertThat(c.digestEvery()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.escalateAfter()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.from()).isEqualTo("travelwatch@localhost");
  }

  @Test
  @DisplayName("TW_SMTP_* configure the server: port, STARTTLS mode and authentication")
  void smtp() {
    NotifyConfig c =
        load(
            Map.of(
                "TW_SMTP_HOST", "smtp.council.test",
                "TW_SMTP_PORT", "2525",
                "TW_SMTP_STARTTLS", "required",
                "TW_SMTP_USER", "tw",
                "TW_SMTP_PASSWORD", "secret",
                "TW_MAIL_FROM", "alerts@council.test"));
    assertThat(c.smtp())
        .contains(
            new NotifyConfig.Smtp(
                "smtp.council.test",
                2525,
                Optional.of("tw"),
                Optional.of("secret"),
                NotifyConfig.StartTls.REQUIRED));
    assertThat(c.from()).isEqualTo("alerts@council.test");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "TW_SMTP_STARTTLS, sometimes, 'TW_SMTP_STARTTLS: must be one of none, optional, required'",
    "TW_SMTP_PORT, 0, TW_SMTP_PORT: must be a whole number from 1 to 65535",
    "TW_MAIL_FROM, alerts, TW_MAIL_FROM: must be an email address",
    "TW_SMTP_USER, tw, TW_SMTP_PASSWORD: must be set together with TW_SMTP_USER",
    "TW_DIGEST_MINUTES, 0, TW_DIGEST_MINUTES: must be a whole number from 1 to 1440",
    "TW_ESCALATE_AFTER_MINUTES, x, TW_ESCALATE_AFTER_MINUTES: must be a whole number",
    "TW_MAIL_RETRY_MAX_MS, 20, TW_MAIL_RETRY_MAX_MS: must not be less than TW_MAIL_RETRY_FIRST_MS"
  })
  @DisplayName("A bad mail setting stops start-up with one line naming it")
  void badSettings(String name, String value, String message) {
    assertThatThrownBy(() -> load(Map.of("TW_SMTP_HOST", "smtp.council.test", name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }
}
