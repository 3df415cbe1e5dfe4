package travelwatch.platform;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The service's time, one value passed to whatever needs it: the clock the service day runs on
 * (real time, the demo's accelerated clock or a test's virtual one) in the service's zone, and the
 * real clock for what always runs on real time (caches, rate limits, the outbox, job health).
 */
public record ServiceClock(Clock clock, ZoneId zone, Clock real) {
  /** Real time: the one place the service reads the system clock. */
  public static final Clock REAL = Clock.systemUTC();

  /** A service day on {@code clock} (accelerated or virtual), with the real clock beside it. */
  public static ServiceClock on(Clock clock, ZoneId zone) {
    return new ServiceClock(clock, zone, REAL);
  }

  public Instant now() {
    return clock.instant();
  }

  /** Today's service date. */
  public LocalDate today() {
    return dateOf(clock.instant());
  }

  /** The service date an instant falls on. */
  public LocalDate dateOf(Instant t) {
    return t.atZone(zone).toLocalDate();
  }
}
