package travelwatch.access;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import travelwatch.config.AccessConfig;

/**
 * How failed sign-in tries slow the next one: plain arithmetic on a subject's failures (an account,
 * or a client address), no clock of its own. After {@code freeFailures} failures each further try
 * must wait 1 s after the last failure, then 2 s, 4 s … up to {@code maxDelay}; failures are
 * forgotten once {@code window} passes without one; an account with {@code lockAfter} failures is
 * locked for {@code lockFor}, and starts afresh when the lock ends.
 */
public final class LoginThrottle {
  /** A subject's failed tries as stored. */
  public record Tries(int failures, Instant lastFailureAt, Instant lockedUntil) {
    public static final Tries NONE = new Tries(0, null, null);
  }

  private final AccessConfig limits;

  public LoginThrottle(AccessConfig limits) {
    this.limits = limits;
  }

  /** How long failures are remembered without another. */
  public Duration window() {
    return limits.window();
  }

  /** The tries that still count at {@code now}: none once the window or the lock has passed. */
  public Tries current(Tries tries, Instant now) {
    if (tries.lockedUntil() != null) {
      return now.isBefore(tries.lockedUntil()) ? tries : Tries.NONE;
    }
    if (tries.lastFailureAt() == null
        || !now.isBefore(tries.lastFailureAt().plus(limits.window()))) {
      return Tries.NONE;
    }
    return tries;
  }

  /** How long the next try must still wait at {@code now}; empty when it may go ahead. */
  public Optional<Duration> wait(Tries tries, Instant now) {
    Tries t = current(tries, now);
    Instant allowedAt;
    if (t.lockedUntil() != null) {
      allowedAt = t.lockedUntil();
    } else if (t.failures() >= limits.freeFailures()) {
      allowedAt = t.lastFailureAt().plus(delayAfter(t.failures()));
    } else {
      return Optional.empty();
    }
    return now.isBefore(allowedAt)
        ? Optional.of(Duration.between(now, allowedAt))
        : Optional.empty();
  }

  /**
   * The wait after {@code failures} failures: 1 s after the first beyond the free ones, doubling.
   */
  Duration delayAfter(int failures) {
    int doublings = Math.min(failures - limits.freeFailures(), 30);
    Duration delay = Duration.ofSeconds(1L << doublings);
    return delay.compareTo(limits.maxDelay()) > 0 ? limits.maxDelay() : delay;
  }

  /** The tries after one more failure at {@code now}. */
  public Tries failed(Tries tries, Instant now) {
    Tries t = current(tries, now);
    return new Tries(t.failures() + 1, now, t.lockedUntil());
  }

  /** True when an account with these tries is to be locked now (it is not yet). */
  public boolean locks(Tries tries) {
    return tries.lockedUntil() == null && tries.failures() >= limits.lockAfter();
  }

  /** The tries of an account locked from {@code now}. */
  public Tries locked(Tries tries, Instant now) {
    return new Tries(tries.failures(), tries.lastFailureAt(), now.plus(limits.lockFor()));
  }

  /** Whole seconds to tell a client in Retry-After: rounded up, at least one. */
  public static long retryAfterSeconds(Duration wait) {
    long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }
}
