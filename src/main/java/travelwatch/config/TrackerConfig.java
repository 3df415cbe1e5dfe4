package travelwatch.config;

/**
 * GPS trackers: a position whose reported accuracy is worse than {@code maxAccuracyMetres} is not
 * believed enough to move a run's ETA.
 */
public record TrackerConfig(int maxAccuracyMetres) {

  static TrackerConfig from(Settings s) {
    return new TrackerConfig(s.integer("trackerMaxAccuracyMetres", 100, 1, 100_000));
  }
}
