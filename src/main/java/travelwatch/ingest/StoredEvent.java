package travelwatch.ingest;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** An event as committed to the store, as handed to the monitors. */
public record StoredEvent(long seq, String owner, IncomingEvent event, OffsetDateTime receivedAt) {

  /** What a monitor needs of it. */
  public CommittedEvents.Committed committed() {
    return new CommittedEvents.Committed(
        seq,
        event.eventId(),
        event.type().wireName(),
        event.occurredAt().toInstant(),
        receivedAt.toInstant(),
        event.runId(),
        event.body());
  }

  public JsonObject toJson() {
    IncomingEvent e = event;
    JsonObject json =
        new JsonObject()
            .put("seq", seq)
            .put("owner", owner)
            .put("eventId", e.eventId())
            .put("type", e.type().wireName())
            .put("occurredAt", travelwatch.platform.http.Rfc3339.format(e.occurredAt()))
            .put("receivedAt", travelwatch.platform.http.Rfc3339.format(receivedAt))
            .put("body", e.body());
    if (e.runId() != null) {
      json.put("runId", e.runId());
    }
    return json;
  }
}
