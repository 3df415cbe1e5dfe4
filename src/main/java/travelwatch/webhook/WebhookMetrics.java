package travelwatch.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Webhook deliveries as Prometheus sees them: deliveries waiting and the oldest one's age, those
 * given up and endpoints disabled (read from the store every few seconds, the same on every node);
 * deliveries made, tries that failed and deliveries given up by this node's relay.
 */
final class WebhookMetrics {
  private final Counter delivered;
  private final Counter failedTries;
  private final Counter givenUp;
  private final Counter disabled;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong oldestSeconds = new AtomicLong();
  private final AtomicLong failedNow = new AtomicLong();
  private final AtomicLong disabledNow = new AtomicLong();

  WebhookMetrics(MeterRegistry registry) {
    delivered =
        Counter.builder("travelwatch.webhook.delivered")
            .description("Webhook deliveries the receiver answered with a 2xx")
            .register(registry);
    failedTries =
        Counter.builder("travelwatch.webhook.tries.failed")
            .description("Webhook tries that failed (an error, a timeout or a status not 2xx)")
            .register(registry);
    givenUp =
        Counter.builder("travelwatch.webhook.given.up")
            .description("Webhook deliveries given up after 24 hours of retries")
            .register(registry);
    disabled =
        Counter.builder("travelwatch.webhook.endpoints.disabled")
            .description("Webhook endpoints disabled after failing for 24 hours")
            .register(registry);
    Gauge.builder("travelwatch.webhook.pending", pending, AtomicLong::get)
        .description("Webhook deliveries waiting to be delivered")
        .register(registry);
    Gauge.builder("travelwatch.webhook.oldest.pending", oldestSeconds, AtomicLong::get)
        .description("Age of the oldest webhook delivery waiting")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("travelwatch.webhook.failed", failedNow, AtomicLong::get)
        .description("Webhook deliveries given up, in the store")
        .register(registry);
    Gauge.builder("travelwatch.webhook.disabled", disabledNow, AtomicLong::get)
        .description("Webhook endpoints disabled, in the store")
        .register(registry);
  }

  void delivered() {
    delivered.increment();
  }

  void failedTry() {
    failedTries.increment();
  }

  void givenUp() {
    givenUp.increment();
  }

  void disabled() {
    disabled.increment();
  }

  /** Reads the backlog into the gauges. */
  void refresh(WebhookStore store, Clock clock) {
    store
        .backlog()
        .onSuccess(
            b -> {
              pending.set(b.pending());
              failedNow.set(b.failed());
              disabledNow.set(b.disabled());
              oldestSeconds.set(b.oldestPendingSeconds(clock.instant()));
            });
  }
}
