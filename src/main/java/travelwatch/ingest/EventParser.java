package travelwatch.ingest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import travelwatch.platform.Sha256;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.InboundText;

/**
 * Turns a request body into valid events, or an {@link ApiException} listing every problem with its
 * index and field. Nothing here throws anything else, whatever the input.
 */
public final class EventParser {
  public static final int MAX_EVENTS = 1000;

  private final EventSchemas schemas;
  private final ZoneId serviceZone;
  private final Clock clock;
  private final Duration maxAhead;

  /**
   * @param clock the service's clock, which an event's time may not run ahead of
   * @param maxAhead how far ahead of that clock an occurredAt may be and still be believed
   */
  public EventParser(EventSchemas schemas, ZoneId serviceZone, Clock clock, Duration maxAhead) {
    this.schemas = schemas;
    this.serviceZone = serviceZone;
    this.clock = clock;
    this.maxAhead = maxAhead;
  }

  /** The raw JSON items of a body: one object, or an array of 1 to 1,000 objects. */
  public static List<Object> items(Buffer body) {
    Object parsed;
    try {
      parsed = body == null || body.length() == 0 ? null : Json.decodeValue(body);
    } catch (DecodeException | IllegalArgumentException e) {
      throw ApiException.badRequest(
          "The body is not valid JSON.", List.of(FieldProblem.at("", "not valid JSON")));
    }
    if (parsed instanceof JsonObject) {
      return List.of(parsed);
    }
    if (parsed instanceof JsonArray array) {
      if (array.isEmpty()) {
        throw ApiException.badRequest(
            "The array has no events.",
            List.of(FieldProblem.at("", "at least one event is needed")));
      }
      if (array.size() > MAX_EVENTS) {
        throw ApiException.badRequest(
            "A request carries at most "
                + MAX_EVENTS
                + " events; this one has "
                + array.size()
                + ".",
            List.of(FieldProblem.at("", "more than " + MAX_EVENTS + " events")));
      }
      return array.getList().stream().map(EventParser::wrap).toList();
    }
    throw ApiException.badRequest(
        "The body must be an event object or an array of them.",
        List.of(FieldProblem.at("", "not an event object or array")));
  }

  @SuppressWarnings("unchecked")
  private static Object wrap(Object item) {
    if (item instanceof Map<?, ?> map) {
      return new JsonObject((Map<String, Object>) map);
    }
    if (item instanceof List<?> list) {
      return new JsonArray(list);
    }
    return item;
  }

  /** Validates every item; all problems are reported together. */
  public List<IncomingEvent> parse(List<Object> items) {
    List<IncomingEvent> events = new ArrayList<>(items.size());
    List<FieldProblem> problems = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof JsonObject json)) {
        problems.add(new FieldProblem(i, "", "must be an event object"));
        continue;
      }
      List<FieldProblem> unreadable = InboundText.problems(json, "", i);
      if (!unreadable.isEmpty()) {
        problems.addAll(unreadable);
        continue;
      }
      Object typeValue = json.getValue("type");
      if (!(typeValue instanceof String typeName)) {
        problems.add(
            new FieldProblem(i, "type", typeValue == null ? "is required" : "must be a string"));
        continue;
      }
      var type = EventType.fromWireName(typeName);
      if (type.isEmpty()) {
        problems.add(new FieldProblem(i, "type", "unknown event type '" + clip(typeName) + "'"));
        continue;
      }
      List<FieldProblem> found = schemas.problems(type.get(), json, i);
      if (!found.isEmpty()) {
        found.forEach(p -> problems.add(explained(p)));
        continue;
      }
      OffsetDateTime occurredAt;
      try {
        occurredAt = Timestamps.parse(json.getString("occurredAt"));
      } catch (DateTimeException e) {
        problems.add(new FieldProblem(i, "occurredAt", "is not a real date and time"));
        continue;
      }
      Duration ahead = Duration.between(clock.instant(), occurredAt.toInstant());
      if (ahead.compareTo(maxAhead) > 0) {
        problems.add(new FieldProblem(i, "occurredAt", aheadOfClock(ahead)));
        continue;
      }
      String body = canonical(json);
      events.add(
          new IncomingEvent(
              i,
              json.getString("eventId"),
              type.get(),
              occurredAt,
              occurredAt.atZoneSameInstant(serviceZone).toLocalDate(),
              json.getString("runId"),
              json.getString("crewId"),
              json.getString("pupilId"),
              body,
              Sha256.of(body)));
    }
    if (!problems.isEmpty()) {
      throw ApiException.badRequest(
          problems.size() == 1
              ? "An event is invalid; nothing was stored."
              : problems.size() + " problems; nothing was stored.",
          problems);
    }
    return events;
  }

  /** Says how far ahead an event is, in words an integrator can act on. */
  static String aheadOfClock(Duration ahead) {
    long minutes = ahead.toMinutes();
    String by =
        minutes >= 60
            ? (minutes / 60) + " h " + (minutes % 60) + " min"
            : minutes >= 1 ? minutes + " min" : ahead.toSeconds() + " s";
    return "is " + by + " ahead of the server's clock: check the device's clock";
  }

  /** Replaces the schema's pattern wording with what the field must look like. */
  private static FieldProblem explained(FieldProblem p) {
    if (!p.message().equals("does not have the required format")) {
      return p;
    }
    String message =
        switch (p.field()) {
          case "occurredAt" -> "must be RFC 3339 with an offset, e.g. 2026-11-23T08:15:00Z";
          case "vehicleReg" -> "must be 2 to 10 capital letters, digits or spaces";
          case "issuedOn", "expiresOn", "decidedOn", "receivedOn", "on" ->
              "must be a date YYYY-MM-DD";
          case "reason",
              "summary",
              "queue",
              "certificateNumber",
              "badgeNumber",
              "licensingAuthority" ->
              "must not hold control characters (only tab and newline are allowed in text)";
          default -> InboundText.ID_RULE;
        };
    return new FieldProblem(p.index(), p.field(), message);
  }

  static String canonical(JsonObject json) {
    return new JsonObject(new TreeMap<>(json.getMap())).encode();
  }

  private static String clip(String s) {
    return s.length() > 50 ? s.substring(0, 50) + "…" : s;
  }
}
