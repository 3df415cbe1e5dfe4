package travelwatch.config;

/** A setting that cannot be used; the message names the setting and the reason in one line. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String setting, String reason) {
    super(setting + ": " + reason);
  }
}
