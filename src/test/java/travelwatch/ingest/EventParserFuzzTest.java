package travelwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FailureHandler;
import travelwatch.support.Events;

/**
 * Fuzzes the event parser and validator: whatever the body, the outcome is valid events or a 4xx
 * problem naming the problems, never another exception (which the server would turn into a 500).
 * {@code mvn verify} replays the stored inputs; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class EventParserFuzzTest {
  private static final EventSchemas SCHEMAS = EventSchemas.fromContract();
  private static final EventParser PARSER =
      new EventParser(
          SCHEMAS, ZoneId.of("Europe/London"), Clock.systemUTC(), Duration.ofSeconds(120));

  @FuzzTest(maxDuration = "60s")
  void rawBodiesAreAlwaysA4xxOrValid(FuzzedDataProvider data) {
    check(Buffer.buffer(data.consumeRemainingAsBytes()));
  }

  @FuzzTest(maxDuration = "60s")
  void mutatedEventsAreAlwaysA4xxOrValid(FuzzedDataProvider data) {
    EventType[] types = EventType.values();
    JsonArray batch = new JsonArray();
    int events = data.consumeInt(1, 4);
    for (int i = 0; i < events; i++) {
      JsonObject event = Events.example(types[data.consumeInt(0, types.length - 1)].wireName());
      List<String> fields = new ArrayList<>(event.fieldNames());
      int mutations = data.consumeInt(0, 3);
      for (int m = 0; m < mutations; m++) {
        String field =
            data.consumeBoolean()
                ? fields.get(data.consumeInt(0, fields.size() - 1))
                : data.consumeString(12);
        switch (data.consumeInt(0, 6)) {
          case 0 -> event.remove(field);
          case 1 -> event.put(field, data.consumeString(40));
          case 2 -> event.put(field, data.consumeLong());
          case 3 -> event.put(field, data.consumeDouble());
          case 4 -> event.put(field, data.consumeBoolean());
          case 5 -> event.putNull(field);
          default ->
              event.put(field, new JsonObject().put(data.consumeString(5), data.consumeString(5)));
        }
      }
      batch.add(event);
      EventType.fromWireName(String.valueOf(event.getValue("type")))
          .ifPresent(
              type ->
                  assertThat(SCHEMAS.fastAccepts(type, event))
                      .as("fast check and reference validator agree on %s", event.encode())
                      .isEqualTo(SCHEMAS.referenceAccepts(type, event)));
    }
    check(batch.toBuffer());
  }

  private static void check(Buffer body) {
    try {
      List<IncomingEvent> events = PARSER.parse(EventParser.items(body));
      assertThat(events).isNotEmpty();
      events.forEach(e -> assertThat(e.eventId()).isNotEmpty());
    } catch (ApiException e) {
      assertThat(e.status()).isBetween(400, 499);
      assertThat(e.getMessage()).isNotBlank();
      e.errors().forEach(p -> assertThat(p.message()).isNotBlank());
      JsonObject problem = FailureHandler.problem(e.type(), e.title(), e.status(), e.getMessage());
      assertThat(problem.getInteger("status")).isEqualTo(e.status());
    }
  }
}
