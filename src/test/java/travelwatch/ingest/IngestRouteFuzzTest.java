package travelwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import travelwatch.access.Scope;
import travelwatch.support.Events;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

/**
 * Fuzzes whole requests through the ingest route of a real server on a real PostgreSQL: whatever
 * the bytes, the answer is a stored event or a 4xx, never a 500, and the server keeps answering.
 * {@code mvn verify} replays the stored inputs; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class IngestRouteFuzzTest {
  private static TestServer server;
  private static String operator;
  private static String telephony;

  private static synchronized void ensureServer() {
    if (server == null) {
      server =
          new TestServer(
              Map.of("TW_INGEST_RATE_PER_KEY", "0"),
              new TestClock(Instant.parse("2026-11-23T09:00:00Z")));
      String admin = server.scopeKey(Scope.ADMIN);
      assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode())
          .isEqualTo(200);
      operator = server.operatorKey("OPA");
      telephony = server.scopeKey(Scope.TELEPHONY);
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  @FuzzTest(maxDuration = "60s")
  void wholeRequestsNeverFailTheServer(FuzzedDataProvider data) {
    ensureServer();
    boolean raw = data.consumeBoolean();
    String key = data.consumeBoolean() ? operator : telephony;
    Buffer body;
    if (raw) {
      body = Buffer.buffer(data.consumeRemainingAsBytes());
    } else {
      String[] types = {
        "run.started",
        "pupil.absent",
        "pupil.dropped",
        "run.cancelled",
        "incident.reported",
        "call.offered",
        "crew.assigned",
        "vehicle.position"
      };
      JsonArray batch = new JsonArray();
      int events = data.consumeInt(1, 3);
      for (int i = 0; i < events; i++) {
        JsonObject event = Events.example(types[data.consumeInt(0, types.length - 1)]);
        List<String> fields = new ArrayList<>(event.fieldNames());
        String field = fields.get(data.consumeInt(0, fields.size() - 1));
        event.put(field, data.consumeString(60));
        batch.add(event);
      }
      body = batch.toBuffer();
    }
    HttpResponse<Buffer> r = Events.post(server, key, body);
    assertThat(r.statusCode()).as(r.bodyAsString()).isIn(202, 400, 403, 409, 413);
    if (r.statusCode() != 202) {
      assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
    }
  }
}
