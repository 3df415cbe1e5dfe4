package travelwatch.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Alert and KPI emails: the SMTP server (none by default: emails become {@code .eml} files in
 * {@code mailDir}), the sender, the digest and escalation periods, retries and the storm cap.
 */
public record NotifyConfig(
    Optional<Smtp> smtp,
    String from,
    Path mailDir,
    Duration digestEvery,
    Duration escalateAfter,
    int maxTries,
    Duration retryFirst,
    Duration retryMax,
    int perMinute,
    Duration relayEvery,
    Optional<Path> rulesFile,
    int kpiWeeks) {

  /** The sender's domain: it names the Message-IDs and the host the relay says it is. */
  public String domain() {
    return from.substring(from.indexOf('@') + 1);
  }

  /** How the relay talks TLS to the SMTP server. */
  public enum StartTls {
    NONE,
    OPTIONAL,
    REQUIRED
  }

  /** An SMTP server; user and password only when it wants authentication. */
  public record Smtp(
      String host, int port, Optional<String> user, Optional<String> password, StartTls startTls) {}

  static NotifyConfig from(Settings s, Path dataDir) {
    Optional<Smtp> smtp =
        s.text("smtpHost")
            .map(
                host ->
                    new Smtp(
                        host,
                        s.integer("smtpPort", 587, 1, 65535),
                        s.text("smtpUser"),
                        s.text("smtpPassword"),
                        s.choice("smtpStarttls", StartTls.class, StartTls.OPTIONAL)));
    if (smtp.isPresent() && smtp.get().user().isPresent() != smtp.get().password().isPresent()) {
      throw new ConfigException(
          s.label("smtpPassword"), "must be set together with " + s.label("smtpUser"));
    }
    String from = s.text("mailFrom", "travelwatch@localhost");
    if (!from.matches("[^@\\s<>]+@[^@\\s<>]+")) {
      throw new ConfigException(
          s.label("mailFrom"), "must be an email address like alerts@council.gov.uk");
    }
    int retryFirstMs = s.integer("mailRetryFirstMs", 5_000, 10, 3_600_000);
    int retryMaxMs = s.integer("mailRetryMaxMs", 600_000, 10, 86_400_000);
    if (retryMaxMs < retryFirstMs) {
      throw new ConfigException(
          s.label("mailRetryMaxMs"), "must not be less than " + s.label("mailRetryFirstMs"));
    }
    return new NotifyConfig(
        smtp,
        from,
        s.text("mailDir").map(Path::of).orElse(dataDir.resolve("mail")).toAbsolutePath(),
        Duration.ofMinutes(s.integer("digestMinutes", 30, 1, 1440)),
        Duration.ofMinutes(s.integer("escalateAfterMinutes", 10, 1, 1440)),
        s.integer("mailMaxTries", 8, 1, 100),
        Duration.ofMillis(retryFirstMs),
        Duration.ofMillis(retryMaxMs),
        s.integer("mailPerMinute", 60, 1, 100_000),
        Duration.ofMillis(s.integer("mailRelayMs", 1000, 10, 60_000)),
        s.text("notifyRulesFile").map(Path::of),
        s.integer("kpiEmailWeeks", 6, 1, 52));
  }
}
