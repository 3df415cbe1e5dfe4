package travelwatch.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.regex.Pattern;

/**
 * Raw settings from an optional JSON file, overridden by {@code TW_…} environment variables.
 *
 * <p>A setting named {@code httpPort} is read from the environment as {@code TW_HTTP_PORT} and from
 * the file as {@code "httpPort"}. Each typed read validates and names the setting where it came
 * from, so a bad value stops start-up with one clear line.
 */
public final class Settings {
  private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");

  private final JsonObject file;
  private final Map<String, String> env;
  private final Set<String> asked = new ConcurrentSkipListSet<>();

  public Settings(JsonObject file, Map<String, String> env) {
    this.file = file == null ? new JsonObject() : file;
    this.env = env;
  }

  /** Reads the JSON file if given; a missing or malformed file is a configuration error. */
  public static Settings load(Path configFile, Map<String, String> env) {
    if (configFile == null) {
      return new Settings(new JsonObject(), env);
    }
    try {
      return new Settings(new JsonObject(Files.readString(configFile)), env);
    } catch (IOException e) {
      throw new ConfigException("--config " + configFile, "cannot be read (" + e + ")");
    } catch (DecodeException e) {
      throw new ConfigException("--config " + configFile, "is not a JSON object");
    }
  }

  public static String envName(String name) {
    return "TW_" + CAMEL.matcher(name).replaceAll("$1_$2").toUpperCase();
  }

  private record Raw(String origin, String text) {}

  private Optional<Raw> raw(String name) {
    asked.add(name);
    String envName = envName(name);
    String fromEnv = env.get(envName);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(new Raw(envName, fromEnv.trim()));
    }
    Object fromFile = file.getValue(name);
    if (fromFile != null) {
      return Optional.of(new Raw("config " + name, String.valueOf(fromFile).trim()));
    }
    return Optional.empty();
  }

  /**
   * The environment names of every setting read so far, set or not: after a whole configuration is
   * read, the {@code TW_…} variables the application understands (deployment files are checked
   * against it).
   */
  public Set<String> envNamesRead() {
    Set<String> names = new TreeSet<>();
    asked.forEach(name -> names.add(envName(name)));
    return names;
  }

  /** The label a message uses for this setting: the environment variable name. */
  public String label(String name) {
    return raw(name).map(Raw::origin).orElse(envName(name));
  }

  public Optional<String> text(String name) {
    return raw(name).map(Raw::text);
  }

  public String text(String name, String fallback) {
    return text(name).orElse(fallback);
  }

  public int integer(String name, int fallback, int min, int max) {
    Optional<Raw> raw = raw(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    String reason = "must be a whole number from " + min + " to " + max;
    try {
      int value = Integer.parseInt(raw.get().text());
      if (value < min || value > max) {
        throw new ConfigException(raw.get().origin(), reason + ", got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(raw.get().origin(), reason + ", got '" + raw.get().text() + "'");
    }
  }

  public boolean bool(String name, boolean fallback) {
    Optional<Raw> raw = raw(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    return switch (raw.get().text().toLowerCase()) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default ->
          throw new ConfigException(
              raw.get().origin(), "must be true or false, got '" + raw.get().text() + "'");
    };
  }

  public <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
    Optional<Raw> raw = raw(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    for (E value : type.getEnumConstants()) {
      if (value.name().equalsIgnoreCase(raw.get().text())) {
        return value;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E value : type.getEnumConstants()) {
      allowed.append(allowed.length() == 0 ? "" : ", ").append(value.name().toLowerCase());
    }
    throw new ConfigException(
        raw.get().origin(), "must be one of " + allowed + ", got '" + raw.get().text() + "'");
  }
}
