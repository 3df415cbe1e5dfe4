package travelwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.support.Events;

@DisplayName("A refused event says which event, which field and what is wrong, in plain words")
class EventMessagesTest {
  private static final EventParser PARSER =
      new EventParser(
          EventSchemas.fromContract(),
          ZoneId.of("Europe/London"),
          Clock.fixed(Instant.parse("2026-11-23T09:00:00Z"), ZoneOffset.UTC),
          Duration.ofSeconds(120));

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of(
            "wrong type",
            Events.example("vehicle.position").put("lat", "52.4"),
            "lat",
            "must be a number, got the string \"52.4\""),
        Arguments.of(
            "null where a string goes",
            Events.example("run.completed").putNull("runId"),
            "runId",
            "must be a string, got null"),
        Arguments.of(
            "out of range",
            Events.example("vehicle.position").put("lon", -181.5),
            "lon",
            "must be at least -180, got the number -181.5"),
        Arguments.of(
            "not in the list",
            Events.example("incident.reported").put("category", "weather"),
            "category",
            "must be one of safeguarding, vehicle, behaviour, medical, other, got the string"
                + " \"weather\""),
        Arguments.of(
            "pattern",
            Events.example("run.completed").put("runId", "run 1"),
            "runId",
            "must be 1 to 100 letters, digits or - _ . : /"),
        Arguments.of(
            "too long",
            Events.example("run.cancelled").put("reason", "x".repeat(501)),
            "reason",
            "must be 1 to 500 characters long, got 501"),
        Arguments.of(
            "missing",
            Events.example("pupil.dropped").put("stopId", (String) null),
            "stopId",
            "must be a string, got null"),
        Arguments.of(
            "required and absent",
            without(Events.example("pupil.dropped"), "stopId"),
            "stopId",
            "is required"),
        Arguments.of(
            "unknown field",
            Events.example("run.completed").put("operatorId", "OPB"),
            "operatorId",
            "unknown field: run.completed has no operatorId"));
  }

  private static JsonObject without(JsonObject o, String field) {
    o.remove(field);
    return o;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  @DisplayName("Each kind of schema failure has its exact message, with the event's index")
  void exactMessage(String kind, JsonObject bad, String field, String message) {
    JsonArray batch = new JsonArray().add(Events.example("run.completed")).add(bad);
    ApiException e =
        catchThrowableOfType(
            ApiException.class, () -> PARSER.parse(EventParser.items(batch.toBuffer())));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.errors()).extracting(FieldProblem::toJson).hasSize(1);
    FieldProblem p = e.errors().get(0);
    assertThat(p.index()).isEqualTo(1);
    assertThat(p.field()).isEqualTo(field);
    assertThat(p.message()).isEqualTo(message);
  }
}
