package travelwatch.config;

import java.time.Duration;

/**
 * Operators' webhooks: which addresses an endpoint may have besides public https ones (loopback
 * over plain http for tests and local receivers, private ranges), how often the relay looks for due
 * deliveries, how long one may take, how many are in flight at once, and the retries' exponential
 * backoff (tried for 24 hours in all, which is the contract, not a setting).
 */
public record WebhookConfig(
    boolean allowLoopback,
    boolean allowPrivate,
    Duration relayEvery,
    Duration timeout,
    int maxInFlight,
    Duration retryFirst,
    Duration retryMax) {

  /** How long a delivery is retried, and how long an endpoint may fail before it is disabled. */
  public static final Duration GIVE_UP_AFTER = Duration.ofHours(24);

  static WebhookConfig from(Settings s) {
    int retryFirstMs = s.integer("webhookRetryFirstMs", 10_000, 10, 3_600_000);
    int retryMaxMs = s.integer("webhookRetryMaxMs", 3_600_000, 10, 86_400_000);
    if (retryMaxMs < retryFirstMs) {
      throw new ConfigException(
          s.label("webhookRetryMaxMs"), "must not be less than " + s.label("webhookRetryFirstMs"));
    }
    return new WebhookConfig(
        s.bool("webhookAllowLoopback", false),
        s.bool("webhookAllowPrivate", false),
        Duration.ofMillis(s.integer("webhookRelayMs", 1000, 10, 60_000)),
        Duration.ofMillis(s.integer("webhookTimeoutMs", 10_000, 100, 120_000)),
        s.integer("webhookMaxInFlight", 16, 1, 1000),
        Duration.ofMillis(retryFirstMs),
        Duration.ofMillis(retryMaxMs));
  }
}
