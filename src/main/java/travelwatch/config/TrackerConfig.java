package travelwatch.config;

import java.util.OptionalInt;

/**
 * GPS trackers: a position whose reported accuracy is worse than {@code maxAccuracyMetres} is not
 * believed enough to move a run's ETA; {@code osmandPort}, when set, is a port of its own for the
 * OsmAnd protocol (Traccar's is 5055), where trackers post to {@code /} as well as {@code /osmand}.
 */
public record TrackerConfig(int maxAccuracyMetres, OptionalInt osmandPort) {

  static TrackerConfig from(Settings s) {
    OptionalInt port =
        s.text("osmandPort").isEmpty()
            ? OptionalInt.empty()
            : OptionalInt.of(s.integer("osmandPort", 0, 1, 65535));
    return new TrackerConfig(s.integer("trackerMaxAccuracyMetres", 100, 1, 100_000), port);
  }
}
