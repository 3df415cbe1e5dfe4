package travelwatch.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where an external PostgreSQL is: parsed from {@code postgresql://user[:password]@host:port/db}.
 */
public record PgUrl(String host, int port, String database, String user, String password) {

  public static PgUrl parse(String setting, String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException(setting, "is not a URI (" + e.getReason() + ")");
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new ConfigException(
          setting,
          "must start with postgresql:// (postgresql://user[:password]@host:port/database)");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new ConfigException(setting, "names no host");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = path.startsWith("/") ? path.substring(1) : path;
    if (database.isBlank()) {
      throw new ConfigException(setting, "names no database (…/database at the end)");
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null || userInfo.isBlank()) {
      throw new ConfigException(setting, "names no user (postgresql://user@host/database)");
    }
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    return new PgUrl(uri.getHost(), port, decode(database), user, password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "postgresql://"
        + user
        + (password == null ? "" : ":***")
        + "@"
        + host
        + ":"
        + port
        + "/"
        + database;
  }
}
