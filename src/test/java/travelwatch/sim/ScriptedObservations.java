package travelwatch.sim;

import io.vertx.core.json.JsonObject;
import travelwatch.monitor.Observation;
import travelwatch.monitor.ObservationCodec;

/** Scripted events as the monitor reads them back from the event store. */
final class ScriptedObservations {
  private ScriptedObservations() {}

  /** The event stored as number {@code seq}, received when it occurred. */
  static Observation stored(DayScript.Scripted s, long seq) {
    JsonObject body = new JsonObject(s.event());
    return ObservationCodec.decode(
        new JsonObject()
            .put("seq", seq)
            .put("eventId", body.getString("eventId"))
            .put("type", body.getString("type"))
            .put("occurredAt", body.getString("occurredAt"))
            .put("receivedAt", body.getString("occurredAt"))
            .put("body", body.encode()));
  }
}
