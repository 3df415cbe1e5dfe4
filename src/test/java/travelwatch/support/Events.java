package travelwatch.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;

/** Example events of every type, as an operator's or the council's systems would send them. */
public final class Events {
  private Events() {}

  public static JsonObject event(String type, String occurredAt) {
    return new JsonObject()
        .put("eventId", UUID.randomUUID().toString())
        .put("type", type)
        .put("occurredAt", occurredAt);
  }

  /** Posts the events as one batch with the key, which must store them all (202). */
  public static void store(TestServer server, String key, JsonObject... events) {
    HttpResponse<Buffer> response =
        post(server, key, new JsonArray(List.of((Object[]) events)).toBuffer());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
  }

  /** Posts a body, whatever it holds, to the events endpoint with the key. */
  public static HttpResponse<Buffer> post(TestServer server, String key, Buffer body) {
    return server
        .client
        .post("/api/v1/events")
        .putHeader("Authorization", "Bearer " + key)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(body)
        .await();
  }

  public static JsonObject event(String type) {
    return event(type, "2026-11-23T08:05:00Z");
  }

  /** A valid example of {@code type} with every field, for operator A's run where one is needed. */
  public static JsonObject example(String type) {
    String run = TwoOperators.RUN_A;
    JsonObject e = event(type);
    return switch (type) {
      case "crew.assigned" ->
          e.put("runId", run)
              .put("driverId", TwoOperators.DRIVER_A)
              .put("guideId", TwoOperators.GUIDE_A)
              .put("vehicleReg", "BX19 ABC");
      case "run.started" ->
          e.put("runId", run)
              .put("driverId", TwoOperators.DRIVER_A)
              .put("guideId", TwoOperators.GUIDE_A)
              .put("vehicleReg", "BX19 ABC")
              .put("lat", 52.5)
              .put("lon", -1.9);
      case "vehicle.position" ->
          e.put("runId", run).put("lat", 52.49).put("lon", -1.895).put("speedKph", 31.5);
      case "pupil.boarded" ->
          e.put("runId", run)
              .put("pupilId", TwoOperators.PUPIL_A)
              .put("stopId", "H1")
              .put("lat", 52.5)
              .put("lon", -1.9);
      case "pupil.absent" ->
          e.put("runId", run).put("pupilId", TwoOperators.PUPIL_A).put("reason", "unwell");
      case "pupil.dropped" ->
          e.put("runId", run)
              .put("pupilId", TwoOperators.PUPIL_A)
              .put("stopId", "SCH1")
              .put("lat", 52.48)
              .put("lon", -1.89);
      case "run.arrived" -> e.put("runId", run).put("stopId", "SCH1");
      case "run.completed" -> e.put("runId", run);
      case "run.cancelled" -> e.put("runId", run).put("reason", "vehicle breakdown");
      case "incident.reported" ->
          e.put("runId", run)
              .put("category", "behaviour")
              .put("summary", "Pupil upset at pickup; calmed by guide.");
      case "crew.dbs_checked" ->
          e.put("crewId", TwoOperators.DRIVER_A)
              .put("certificateNumber", "001234567899")
              .put("issuedOn", "2026-10-01")
              .put("outcome", "clear")
              .put("barredListChecked", true)
              .put("updateService", true);
      case "crew.badge_updated" ->
          e.put("crewId", TwoOperators.DRIVER_A)
              .put("badgeNumber", "BHX000999")
              .put("licensingAuthority", "Birmingham City Council")
              .put("expiresOn", "2027-11-30");
      case "crew.cleared" ->
          e.put("crewId", TwoOperators.DRIVER_A)
              .put("decision", "cleared")
              .put("decidedOn", "2026-11-20");
      case "call.offered", "call.answered", "call.abandoned" ->
          e.put("callId", "C-1001").put("queue", "transport");
      case "application.received" ->
          e.put("applicationId", "APP-77").put("kind", "bus_pass").put("receivedOn", "2026-11-02");
      case "application.decided" -> e.put("applicationId", "APP-77").put("decidedOn", "2026-11-20");
      case "complaint.received", "complaint.responded" ->
          e.put("complaintId", "CMP-9").put("runId", run).put("on", "2026-11-20");
      default -> throw new IllegalArgumentException(type);
    };
  }
}
