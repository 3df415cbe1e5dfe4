package travelwatch.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbox as Prometheus sees it: emails pending and the oldest one's age (read from the store
 * every few seconds, the same on every node), emails sent and given up by this node's relay.
 */
public final class NotifyMetrics {
  private final Map<Email.Kind, Counter> sent = new EnumMap<>(Email.Kind.class);
  private final Map<Email.Kind, Counter> failed = new EnumMap<>(Email.Kind.class);
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong oldestSeconds = new AtomicLong();
  private final AtomicLong failedNow = new AtomicLong();

  public NotifyMetrics(MeterRegistry registry) {
    for (Email.Kind kind : Email.Kind.values()) {
      sent.put(
          kind,
          Counter.builder("travelwatch.outbox.sent")
              .description("Emails the relay handed to the mail server (or wrote as .eml)")
              .tag("kind", kind.wireName())
              .register(registry));
      failed.put(
          kind,
          Counter.builder("travelwatch.outbox.failed")
              .description("Emails given up after the configured number of tries")
              .tag("kind", kind.wireName())
              .register(registry));
    }
    Gauge.builder("travelwatch.outbox.pending", pending, AtomicLong::get)
        .description("Emails in the outbox waiting to be sent")
        .register(registry);
    Gauge.builder("travelwatch.outbox.oldest.pending", oldestSeconds, AtomicLong::get)
        .description("Age of the oldest email waiting to be sent")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("travelwatch.outbox.given.up", failedNow, AtomicLong::get)
        .description("Emails in the outbox marked failed, waiting for someone to look")
        .register(registry);
  }

  void sent(Email.Kind kind) {
    sent.get(kind).increment();
  }

  void failed(Email.Kind kind) {
    failed.get(kind).increment();
  }

  /** Reads the backlog into the gauges. */
  void refresh(Outbox outbox, Clock clock) {
    outbox
        .backlog()
        .onSuccess(
            b -> {
              pending.set(b.pending());
              failedNow.set(b.failed());
              oldestSeconds.set(b.oldestPendingSeconds(clock.instant()));
            });
  }
}
