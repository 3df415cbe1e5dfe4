package travelwatch.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of a TravelWatch process, typed and validated once at start.
 *
 * <p>Each capability reads its own record; nothing else reads the environment.
 */
public record TravelWatchConfig(
    HttpConfig http,
    DatabaseConfig database,
    IngestConfig ingest,
    MonitorConfig monitor,
    ZoneId zone,
    KpiConfig kpi,
    NotifyConfig notifications,
    SessionConfig sessions,
    SignInConfig signIn,
    ClusterConfig cluster,
    ParentConfig parents,
    SchoolConfig schools,
    WebhookConfig webhooks,
    TrackerConfig trackers,
    MiConfig mi,
    AccessConfig access,
    RetentionConfig retention,
    MapConfig map) {

  /**
   * The HTTP server. {@code idle} bounds both a connection's silence and the time a client has to
   * send a request's headers: a client that trickles them a byte at a time is cut off too.
   */
  public record HttpConfig(
      String host,
      int port,
      int instances,
      long bodyLimitBytes,
      long planBodyLimitBytes,
      URI publicUrl,
      Duration idle) {

    /** The same server on another port (the OsmAnd protocol's own). */
    public HttpConfig onPort(int otherPort) {
      return new HttpConfig(
          host, otherPort, instances, bodyLimitBytes, planBodyLimitBytes, publicUrl, idle);
    }
  }

  /** The PostgreSQL server: external when {@code url} is present, otherwise embedded. */
  public record DatabaseConfig(Optional<PgUrl> url, int poolSize, Path dataDir) {
    public Path embeddedDataDir() {
      return dataDir.resolve("pg");
    }
  }

  /**
   * Event ingestion: rate limit per key, group-commit tuning, and how far ahead of the service's
   * clock an event's occurredAt may be (a device's clock drifts a little; hours means it is wrong).
   */
  public record IngestConfig(
      int ratePerKey,
      int flushRows,
      int flushDelayMillis,
      int maxInFlight,
      int maxQueuedRows,
      int shards,
      Duration maxAhead) {}

  /**
   * The live monitors: rule thresholds, how often deadline rules are checked, the stream (its
   * heartbeat, and how many streams one caller and this node may hold open), and how far (service
   * time) the intake watermark may fall behind before the node says it is behind.
   */
  public record MonitorConfig(
      MonitorSettings rules,
      Duration tick,
      Duration gather,
      Duration streamHeartbeat,
      int streamMaxPerCaller,
      int streamMax,
      Duration behindAfter) {}

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
    MonitorConfig monitor = monitor(settings);
    int idleSeconds = settings.integer("httpIdleSeconds", 60, 2, 3600);
    if (idleSeconds <= monitor.streamHeartbeat().toSeconds()) {
      // The live stream's heartbeat is what keeps an idle stream's connection open.
      throw new ConfigException(
          settings.label("httpIdleSeconds"),
          "must be more than "
              + settings.label("streamHeartbeatSeconds")
              + " ("
              + monitor.streamHeartbeat().toSeconds()
              + ")");
    }
    HttpConfig http =
        new HttpConfig(
            host,
            port,
            instances,
            1024 * 1024,
            planLimitMb * 1024L * 1024L,
            publicUrl,
            Duration.ofSeconds(idleSeconds));

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
            settings.integer("shards", 16, 1, 1024),
            Duration.ofSeconds(settings.integer("ingestMaxFutureSeconds", 120, 0, 366 * 86_400)));
    ZoneId zone = zone(settings);
    KpiConfig kpi = KpiConfig.from(settings);
    return new TravelWatchConfig(
        http,
        new DatabaseConfig(pgUrl, poolSize, dataDir.toAbsolutePath()),
        ingest,
        monitor,
        zone,
        kpi,
        NotifyConfig.from(settings, dataDir),
        SessionConfig.from(settings),
        SignInConfig.from(settings),
        ClusterConfig.from(settings),
        ParentConfig.from(settings),
        SchoolConfig.from(settings),
        WebhookConfig.from(settings),
        TrackerConfig.from(settings),
        MiConfig.from(settings),
        AccessConfig.from(settings),
        RetentionConfig.from(settings),
        MapConfig.from(settings));
  }

  /** The same configuration for a node that joins a cluster ({@code serve --cluster}). */
  public TravelWatchConfig clustered() {
    return new TravelWatchConfig(
        http,
        database,
        ingest,
        monitor,
        zone,
        kpi,
        notifications,
        sessions,
        signIn,
        cluster.clustered(),
        parents,
        schools,
        webhooks,
        trackers,
        mi,
        access,
        retention,
        map);
  }

  private static MonitorConfig monitor(Settings s) {
    // Every threshold's default is MonitorSettings.defaults(): written once, read here.
    MonitorSettings d = MonitorSettings.defaults();
    MonitorSettings rules =
        new MonitorSettings(
            minutes(s, "notStartedMinutes", d.notStartedBefore(), 0, 240),
            minutes(s, "lateMinutes", d.lateAfter(), 0, 240),
            minutes(s, "feedSilentMinutes", d.feedSilentAfter(), 1, 240),
            Duration.ofSeconds(
                s.integer(
                    "missedPickupGraceSeconds", (int) d.missedPickupGrace().toSeconds(), 0, 3600)),
            minutes(s, "callWindowMinutes", d.callWindow(), 1, 1440),
            s.integer(
                    "callAnswerRatePercent", (int) Math.round(d.callAnswerRateMin() * 100), 1, 100)
                / 100.0,
            s.integer("callMinOffered", d.callMinOffered(), 1, 10_000),
            minutes(s, "callLongWaitMinutes", d.callLongWait(), 1, 240),
            s.integer("dbsMaxAgeYears", d.dbsMaxAgeYears(), 1, 20),
            s.integer("journeyPrimaryMinutes", d.journeyPrimaryMinutes(), 5, 600),
            s.integer("journeySecondaryMinutes", d.journeySecondaryMinutes(), 5, 600),
            s.integer("journeySpecialMinutes", d.journeySpecialMinutes(), 5, 600),
            d.defaultSpeedKph(),
            d.detourFactor(),
            d.stopRadiusMetres(),
            d.leftStopMetres(),
            s.bool("alertAutoResolve", d.autoResolve()));
    int streamMax = s.integer("streamMax", 1000, 1, 100_000);
    int streamMaxPerCaller = s.integer("streamMaxPerCaller", 10, 1, 100_000);
    if (streamMaxPerCaller > streamMax) {
      throw new ConfigException(
          s.label("streamMaxPerCaller"), "must not be more than " + s.label("streamMax"));
    }
    return new MonitorConfig(
        rules,
        Duration.ofMillis(s.integer("monitorTickMs", 5000, 10, 600_000)),
        Duration.ofMillis(s.integer("monitorGatherMs", 50, 0, 60_000)),
        Duration.ofSeconds(s.integer("streamHeartbeatSeconds", 15, 1, 300)),
        streamMaxPerCaller,
        streamMax,
        Duration.ofSeconds(s.integer("monitorBehindSeconds", 60, 1, 3600)));
  }

  private static Duration minutes(Settings s, String name, Duration fallback, int min, int max) {
    return Duration.ofMinutes(s.integer(name, (int) fallback.toMinutes(), min, max));
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
