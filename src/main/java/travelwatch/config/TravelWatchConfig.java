package travelwatch.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of a TravelWatch process, typed and validated once at start.
 *
 * <p>Each capability reads its own record; nothing else reads the environment.
 */
public record TravelWatchConfig(
    HttpConfig http, DatabaseConfig database, IngestConfig ingest, ZoneId zone, KpiConfig kpi) {

  /** The HTTP server. */
  public record HttpConfig(
      String host,
      int port,
      int instances,
      long bodyLimitBytes,
      long planBodyLimitBytes,
      URI publicUrl) {}

  /** The PostgreSQL server: external when {@code url} is present, otherwise embedded. */
  public record DatabaseConfig(Optional<PgUrl> url, int poolSize, Path dataDir) {
    public Path embeddedDataDir() {
      return dataDir.resolve("pg");
    }
  }

  /** Event ingestion: rate limit per key and group-commit tuning. */
  public record IngestConfig(
      int ratePerKey,
      int flushRows,
      int flushDelayMillis,
      int maxInFlight,
      int maxQueuedRows,
      int shards) {}

  /**
   * Reads the configuration; {@code dataDirOverride} is the command line's {@code --data-dir}.
   *
   * @throws ConfigException naming the first bad setting
   */
  public static TravelWatchConfig from(Settings settings, Path dataDirOverride) {
    int port = settings.integer("httpPort", 8080, 1, 65535);
    String host = settings.text("httpHost", "0.0.0.0");
    int instances =
        settings.integer("httpInstances", Runtime.getRuntime().availableProcessors(), 1, 64);
    int planLimitMb = settings.integer("planBodyLimitMb", 256, 1, 4096);
    URI publicUrl = uri(settings, "publicUrl", "http://localhost:" + port);
    HttpConfig http =
        new HttpConfig(host, port, instances, 1024 * 1024, planLimitMb * 1024L * 1024L, publicUrl);

    Optional<PgUrl> pgUrl =
        settings.text("pgUrl").map(t -> PgUrl.parse(settings.label("pgUrl"), t));
    int poolSize = settings.integer("pgPoolSize", 16, 1, 200);
    Path dataDir =
        dataDirOverride != null ? dataDirOverride : Path.of(settings.text("dataDir", "data"));
    IngestConfig ingest =
        new IngestConfig(
            settings.integer("ingestRatePerKey", 2000, 0, 10_000_000),
            settings.integer("ingestFlushRows", 500, 1, 10_000),
            settings.integer("ingestFlushDelayMs", 2, 1, 1000),
            settings.integer("ingestMaxInFlight", 4, 1, 64),
            settings.integer("ingestMaxQueuedRows", 100_000, 1000, 10_000_000),
            settings.integer("shards", 16, 1, 1024));
    ZoneId zone = zone(settings);
    KpiConfig kpi = KpiConfig.from(settings);
    return new TravelWatchConfig(
        http, new DatabaseConfig(pgUrl, poolSize, dataDir.toAbsolutePath()), ingest, zone, kpi);
  }

  public static TravelWatchConfig load(Path configFile, Path dataDirOverride) {
    return from(Settings.load(configFile, Map.copyOf(System.getenv())), dataDirOverride);
  }

  private static ZoneId zone(Settings settings) {
    String text = settings.text("zone", "Europe/London");
    try {
      return ZoneId.of(text);
    } catch (java.time.DateTimeException e) {
      throw new ConfigException(settings.label("zone"), "is not a time zone, got '" + text + "'");
    }
  }

  private static URI uri(Settings settings, String name, String fallback) {
    String text = settings.text(name, fallback);
    try {
      URI uri = URI.create(text);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new ConfigException(settings.label(name), "must be an absolute http(s) URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(settings.label(name), "is not a URL: " + e.getMessage());
    }
  }
}
