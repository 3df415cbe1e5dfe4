package travelwatch.ingest;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import travelwatch.platform.http.ApiException;

/** A token bucket per key owner, in events per second, with one second of burst. */
public final class RateLimiter {
  private final double ratePerSecond;
  private final Clock clock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(int ratePerSecond, Clock clock) {
    this.ratePerSecond = ratePerSecond;
    this.clock = clock;
  }

  private final class Bucket {
    private double tokens = ratePerSecond;
    private long lastMillis = clock.millis();

    synchronized long take(int n) {
      long now = clock.millis();
      tokens = Math.min(ratePerSecond, tokens + (now - lastMillis) * ratePerSecond / 1000.0);
      lastMillis = now;
      if (n <= tokens) {
        tokens -= n;
        return 0;
      }
      return (long) Math.ceil((n - tokens) / ratePerSecond);
    }
  }

  /** Takes {@code n} events from the owner's allowance, or throws a 429 with Retry-After. */
  public void acquire(String owner, int n) {
    if (ratePerSecond <= 0) {
      return;
    }
    long waitSeconds = buckets.computeIfAbsent(owner, k -> new Bucket()).take(n);
    if (waitSeconds > 0) {
      throw new ApiException(
          429,
          "rate-limited",
          "Too many events",
          "This key may send "
              + (long) ratePerSecond
              + " events a second; retry later with the same eventIds.",
          java.util.List.of(),
          (int) Math.max(1, waitSeconds));
    }
  }
}
