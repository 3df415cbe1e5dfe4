package travelwatch.config;

import java.time.Duration;

/**
 * Control-room sessions: how long one lasts without use (idle) and at most (absolute), and whether
 * the session cookie is marked {@code Secure} (on when the service is reached over HTTPS).
 */
public record SessionConfig(Duration idle, Duration absolute, boolean secureCookies) {

  static SessionConfig from(Settings settings) {
    int idleMinutes = settings.integer("sessionIdleMinutes", 30, 1, 24 * 60);
    int absoluteMinutes = settings.integer("sessionAbsoluteMinutes", 12 * 60, 1, 7 * 24 * 60);
    if (absoluteMinutes < idleMinutes) {
      throw new ConfigException(
          settings.label("sessionAbsoluteMinutes"),
          "must be at least the idle timeout ("
              + idleMinutes
              + " minutes), got "
              + absoluteMinutes);
    }
    return new SessionConfig(
        Duration.ofMinutes(idleMinutes),
        Duration.ofMinutes(absoluteMinutes),
        settings.bool("secureCookies", false));
  }
}
