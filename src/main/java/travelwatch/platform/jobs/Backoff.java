package travelwatch.platform.jobs;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** How long to wait before the next try of something sent out (an email, a webhook). */
public final class Backoff {
  private Backoff() {}

  /** Exponential from {@code first}, capped at {@code max}, with jitter so retries spread out. */
  public static Duration next(Duration first, Duration max, int tries) {
    double base = Math.min(max.toMillis(), first.toMillis() * Math.pow(2, Math.min(tries - 1, 30)));
    double jittered = base * (0.5 + ThreadLocalRandom.current().nextDouble());
    return Duration.ofMillis((long) Math.min(max.toMillis(), jittered));
  }
}
