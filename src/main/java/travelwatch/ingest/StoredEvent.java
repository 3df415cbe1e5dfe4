package travelwatch.ingest;

import java.time.OffsetDateTime;

/** An event as committed to the store, as handed to the monitors. */
public record StoredEvent(
    long seq, String owner, Source source, IncomingEvent event, OffsetDateTime receivedAt) {

  /** What a monitor needs of it. */
  public CommittedEvents.Committed committed() {
    return new CommittedEvents.Committed(
        seq,
        owner,
        event.eventId(),
        event.type().wireName(),
        event.occurredAt().toInstant(),
        receivedAt.toInstant(),
        event.runId(),
        event.body());
  }
}
