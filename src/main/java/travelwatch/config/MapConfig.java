package travelwatch.config;

import java.net.URI;

/**
 * The control room's map: where its background tiles come from ({@code {z}/{x}/{y}} in the URL, one
 * host, which the page's Content-Security-Policy then allows for images and nothing else) and the
 * attribution the tiles' licence asks for.
 */
public record MapConfig(String tileUrl, String tileOrigin, String attribution) {
  public static final String OPENSTREETMAP = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  public static final String OPENSTREETMAP_ATTRIBUTION = "© OpenStreetMap contributors";

  static MapConfig from(Settings s) {
    String url = s.text("mapTileUrl", OPENSTREETMAP);
    String label = s.label("mapTileUrl");
    for (String part : new String[] {"{z}", "{x}", "{y}"}) {
      if (!url.contains(part)) {
        throw new ConfigException(label, "must contain " + part + ", got '" + url + "'");
      }
    }
    if (url.contains("{s}")) {
      throw new ConfigException(label, "must name one host, not {s} sub-domains");
    }
    URI uri;
    try {
      uri = URI.create(url.replace("{z}", "0").replace("{x}", "0").replace("{y}", "0"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(label, "is not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
      throw new ConfigException(label, "must be an absolute http(s) URL, got '" + url + "'");
    }
    String origin =
        scheme
            + "://"
            + uri.getHost().toLowerCase()
            + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    String attribution = s.text("mapTileAttribution", OPENSTREETMAP_ATTRIBUTION);
    return new MapConfig(url, origin, attribution);
  }
}
