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

  /**
   * How the relay talks TLS to the SMTP server: upgrading the connection with STARTTLS (which the
   * server must offer), TLS from the first byte (SMTPS, port 465), or in clear (a relay on the same
   * host or a test server only). With TLS the server's certificate and host name are verified.
   */
  public enum Tls {
    STARTTLS,
    TLS,
    NONE
  }

  /** The certificates the relay trusts instead of the JVM's own authorities. */
  public record TrustStore(Path path, String password, String type) {}

  /** An SMTP server; user and password only when it wants authentication. */
  public record Smtp(
      String host,
      int port,
      Optional<String> user,
      Optional<String> password,
      Tls tls,
      Optional<TrustStore> trustStore) {}

  static NotifyConfig from(Settings s, Path dataDir) {
    Tls tls = s.choice("smtpTls", Tls.class, Tls.STARTTLS);
    Optional<Smtp> smtp =
        s.text("smtpHost")
            .map(
                host ->
                    new Smtp(
                        host,
                        // SMTPS has its own port; submission with STARTTLS is 587.
                        s.integer("smtpPort", tls == Tls.TLS ? 465 : 587, 1, 65535),
                        s.text("smtpUser"),
                        s.text("smtpPassword"),
                        tls,
                        trustStore(s)));
    if (smtp.isPresent() && smtp.get().user().isPresent() != smtp.get().password().isPresent()) {
      throw new ConfigException(
          s.label("smtpPassword"), "must be set together with " + s.label("smtpUser"));
    }
    if (smtp.isPresent() && smtp.get().tls() == Tls.NONE && smtp.get().trustStore().isPresent()) {
      throw new ConfigException(
          s.label("smtpTrustStore"),
          "needs TLS: set " + s.label("smtpTls") + " to starttls or tls");
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

  /**
   * The trust store if one is named; it is opened here, so a wrong path or password stops start.
   */
  private static Optional<TrustStore> trustStore(Settings s) {
    Optional<String> path = s.text("smtpTrustStore");
    String password = s.text("smtpTrustStorePassword", "");
    String type = s.text("smtpTrustStoreType", "PKCS12").toUpperCase(java.util.Locale.ROOT);
    if (!type.equals("PKCS12") && !type.equals("JKS")) {
      throw new ConfigException(
          s.label("smtpTrustStoreType"), "must be one of pkcs12, jks, got '" + type + "'");
    }
    if (path.isEmpty()) {
      return Optional.empty();
    }
    Path file = Path.of(path.get()).toAbsolutePath();
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      java.security.KeyStore store = java.security.KeyStore.getInstance(type);
      store.load(in, password.toCharArray());
      if (store.size() == 0) {
        throw new ConfigException(s.label("smtpTrustStore"), "holds no certificate: " + file);
      }
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new ConfigException(
          s.label("smtpTrustStore"),
          "cannot be read as a "
              + type
              + " trust store with its password ("
              + e.getMessage()
              + ")");
    }
    return Optional.of(new TrustStore(file, password, type));
  }
}
