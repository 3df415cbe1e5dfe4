package travelwatch.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Who may try to get in, and how often: failed logins and unknown API keys are slowed after {@code
 * freeFailures} failures within {@code window} (each further try waits twice as long as the one
 * before, from one second up to {@code maxDelay}); after {@code lockAfter} an account is locked for
 * {@code lockFor}. {@code metricsToken}, when set, is the bearer token {@code /metrics} asks for.
 */
public record AccessConfig(
    int freeFailures,
    Duration window,
    Duration maxDelay,
    int lockAfter,
    Duration lockFor,
    Optional<String> metricsToken) {

  static AccessConfig from(Settings settings) {
    int free = settings.integer("loginFreeFailures", 5, 1, 1000);
    int lockAfter = settings.integer("loginLockAfter", 20, 1, 10_000);
    if (lockAfter < free) {
      throw new ConfigException(
          settings.label("loginLockAfter"),
          "must be at least TW_LOGIN_FREE_FAILURES (" + free + "), got " + lockAfter);
    }
    Optional<String> token = settings.text("metricsToken");
    if (token.isPresent()
        && (token.get().length() < 16 || !token.get().matches("[\\x21-\\x7e]+"))) {
      throw new ConfigException(
          settings.label("metricsToken"),
          "must be at least 16 printable characters without spaces");
    }
    return new AccessConfig(
        free,
        Duration.ofMinutes(settings.integer("loginWindowMinutes", 15, 1, 24 * 60)),
        Duration.ofSeconds(settings.integer("loginMaxDelaySeconds", 60, 1, 3600)),
        lockAfter,
        Duration.ofMinutes(settings.integer("loginLockMinutes", 15, 1, 7 * 24 * 60)),
        token);
  }
}
