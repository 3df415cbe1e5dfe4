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
  @DisplayName("TW_SMTP_* configure the server: port, TLS and authentication")
  void smtp() {
    NotifyConfig c =
        load(
            Map.of(
                "TW_SMTP_HOST", "smtp.council.test",
                "TW_SMTP_PORT", "2525",
                "TW_SMTP_TLS", "tls",
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
                NotifyConfig.Tls.TLS,
                Optional.empty()));
    assertThat(c.from()).isEqualTo("alerts@council.test");
  }

  @Test
  @Timeout(120) // the test certificates may have to be made first
  @DisplayName(
      "SMTP goes over STARTTLS by default (port 587), SMTPS on 465 with TW_SMTP_TLS=tls; in clear"
          + " only when asked, and a trust store with no TLS is refused")
  void tlsByDefault() {
    NotifyConfig.Smtp starttls = load(Map.of("TW_SMTP_HOST", "smtp.council.test")).smtp().get();
    assertThat(starttls.tls()).isEqualTo(NotifyConfig.Tls.STARTTLS);
    assertThat(starttls.port()).isEqualTo(587);
    assertThat(starttls.trustStore()).isEmpty();
    NotifyConfig.Smtp smtps =
        load(Map.of("TW_SMTP_HOST", "smtp.council.test", "TW_SMTP_TLS", "TLS")).smtp().get();
    assertThat(smtps.tls()).isEqualTo(NotifyConfig.Tls.TLS);
    assertThat(smtps.port()).isEqualTo(465);
    NotifyConfig.Smtp trusted =
        load(Map.of(
                "TW_SMTP_HOST",
                "localhost",
                "TW_SMTP_TRUST_STORE",
                travelwatch.support.MailCertificates.TRUSTED.toString(),
                "TW_SMTP_TRUST_STORE_PASSWORD",
                travelwatch.support.MailCertificates.PASSWORD))
            .smtp()
            .get();
    assertThat(trusted.trustStore().get().type()).isEqualTo("PKCS12");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "TW_SMTP_HOST",
                        "localhost",
                        "TW_SMTP_TLS",
                        "none",
                        "TW_SMTP_TRUST_STORE",
                        travelwatch.support.MailCertificates.TRUSTED.toString(),
                        "TW_SMTP_TRUST_STORE_PASSWORD",
                        travelwatch.support.MailCertificates.PASSWORD)))
        .hasMessageContaining("TW_SMTP_TRUST_STORE: needs TLS");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "TW_SMTP_HOST", "localhost",
                        "TW_SMTP_TRUST_STORE",
                            travelwatch.support.MailCertificates.TRUSTED.toString(),
                        "TW_SMTP_TRUST_STORE_PASSWORD", "wrong")))
        .hasMessageContaining("TW_SMTP_TRUST_STORE: cannot be read");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "TW_SMTP_TLS, sometimes, 'TW_SMTP_TLS: must be one of starttls, tls, none'",
    "TW_SMTP_TRUST_STORE, /no/such/store.p12, TW_SMTP_TRUST_STORE: cannot be read as a PKCS12",
    "TW_SMTP_TRUST_STORE_TYPE, pem, 'TW_SMTP_TRUST_STORE_TYPE: must be one of pkcs12, jks'",
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
