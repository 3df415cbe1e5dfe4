package travelwatch.cli;

import java.time.Clock;
import java.time.ZoneId;
import picocli.CommandLine.Option;
import travelwatch.platform.ServiceClock;
import travelwatch.sim.AcceleratedClock;

/** {@code --clock-start} and {@code --clock-speed}: run the service day on an accelerated clock. */
public final class ClockOptions {
  @Option(
      names = "--clock-start",
      paramLabel = "TIME",
      description = "Start the clock at HH:MM today (Europe/London) or at an RFC 3339 instant.")
  String start;

  @Option(
      names = "--clock-speed",
      paramLabel = "X",
      description = "Run the clock X times faster than real time.")
  Double speed;

  @Option(
      names = "--clock-anchor",
      paramLabel = "EPOCH_MS",
      description =
          "The real instant (Unix epoch milliseconds) at which the clock read --clock-start;"
              + " default: when this process started it. Processes given the same share one clock.")
  Long anchor;

  /** The clock; with neither option, real time. */
  public Clock clock(ZoneId zone, String defaultStart, double defaultSpeed) {
    return clock(zone, defaultStart, defaultSpeed, false);
  }

  /**
   * As {@link #clock(ZoneId, String, double)}; {@code held} keeps it at its start until released.
   */
  public Clock clock(ZoneId zone, String defaultStart, double defaultSpeed, boolean held) {
    String from = start != null ? start : defaultStart;
    double x = speed != null ? speed : defaultSpeed;
    if (from == null && x == 1.0) {
      return ServiceClock.REAL;
    }
    if (x <= 0 || x > 10_000) {
      throw new travelwatch.config.ConfigException("--clock-speed", "must be between 0 and 10000");
    }
    java.time.Instant at =
        from == null ? ServiceClock.REAL.instant() : AcceleratedClock.parseStart(from, zone);
    if (held) {
      return AcceleratedClock.held(at, x);
    }
    return anchor == null ? new AcceleratedClock(at, x) : new AcceleratedClock(at, x, anchor);
  }
}
