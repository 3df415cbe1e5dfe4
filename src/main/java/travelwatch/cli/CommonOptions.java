package travelwatch.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import travelwatch.config.TravelWatchConfig;

/** Options every command shares, so all of them reach the same database as {@code serve}. */
public final class CommonOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "JSON configuration file; TW_… environment variables override it.")
  Path configFile;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where the embedded PostgreSQL and mail drop live (default ./data, or TW_DATA_DIR).")
  Path dataDir;

  public TravelWatchConfig config() {
    return TravelWatchConfig.load(configFile, dataDir);
  }
}
