package travelwatch.alert;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/**
 * One step in an alert's life as people read it (raised, acknowledged, assigned, resolved, and on
 * the stream also what the monitors noted): who did it, when, and the note they left.
 */
public record Transition(String kind, OffsetDateTime at, String by, String note) {
  /** Who is named for what TravelWatch itself did. */
  public static final String SERVICE = "TravelWatch";

  static Transition of(String kind, OffsetDateTime at, String actor, String note) {
    return new Transition(
        kind, at, actor == null || "system".equals(actor) ? SERVICE : actor, note);
  }

  public JsonObject toJson(ZoneId zone) {
    JsonObject j = new JsonObject().put("kind", kind).put("at", Alert.time(at, zone)).put("by", by);
    if (note != null) {
      j.put("note", note);
    }
    return j;
  }
}
