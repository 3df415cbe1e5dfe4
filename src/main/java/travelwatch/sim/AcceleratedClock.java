package travelwatch.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A clock that starts at a chosen instant and runs {@code speed} times faster than real time: the
 * one clock the demo's server (every rule) and simulator share, so a school day fits in an hour.
 */
public final class AcceleratedClock extends Clock {
  private final Instant start;
  private final double speed;
  private volatile long realStartNanos;
  private volatile boolean held;

  public AcceleratedClock(Instant start, double speed) {
    this.start = start;
    this.speed = speed;
    this.realStartNanos = System.nanoTime();
  }

  /**
   * A clock that read {@code start} at the real instant {@code anchorEpochMillis}: processes given
   * the same start and anchor read the same time, however long each took to start.
   */
  public AcceleratedClock(Instant start, double speed, long anchorEpochMillis) {
    this(start, speed);
    this.realStartNanos -= (System.currentTimeMillis() - anchorEpochMillis) * 1_000_000L;
  }

  /** A clock that stands at {@code start} until {@link #release()} (e.g. while a demo sets up). */
  public static AcceleratedClock held(Instant start, double speed) {
    AcceleratedClock clock = new AcceleratedClock(start, speed);
    clock.held = true;
    return clock;
  }

  /** Starts a held clock running; does nothing to a running one. */
  public synchronized void release() {
    if (held) {
      realStartNanos = System.nanoTime();
      held = false;
    }
  }

  /** {@code HH:MM} means that time today in {@code zone}; otherwise an RFC 3339 instant. */
  public static Instant parseStart(String text, ZoneId zone) {
    try {
      return LocalDate.now(zone).atTime(LocalTime.parse(text)).atZone(zone).toInstant();
    } catch (DateTimeParseException notATime) {
      return Instant.parse(text);
    }
  }

  public double speed() {
    return speed;
  }

  @Override
  public Instant instant() {
    if (held) {
      return start;
    }
    long elapsed = System.nanoTime() - realStartNanos;
    return start.plusNanos((long) (elapsed * speed));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
