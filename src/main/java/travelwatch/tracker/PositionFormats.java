package travelwatch.tracker;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;

/**
 * The position formats trackers send, read into a {@link Position}: the OsmAnd protocol's query (or
 * form) parameters and its JSON form, as Traccar's {@code OsmAndProtocolDecoder} reads them, and
 * Traccar's JSON forwarding ({@code forward.type=json}). Anything malformed is a 400 naming the
 * field; nothing here throws anything else.
 */
final class PositionFormats {
  private PositionFormats() {}

  /** An OsmAnd report: the tracker's id and its fix. */
  record Report(String trackerId, Position position) {}

  /**
   * The query form: {@code id} (or {@code deviceid}), {@code lat}, {@code lon} (or {@code
   * location=lat,lon}), {@code timestamp} (epoch seconds or milliseconds, or ISO 8601; the server's
   * time without one), {@code speed} (knots), {@code bearing}/{@code heading}, {@code altitude},
   * {@code accuracy}, {@code batt}, {@code valid}.
   */
  static Report osmAndQuery(MultiMap params, Instant now) {
    List<FieldProblem> problems = new ArrayList<>();
    String id = params.contains("id") ? params.get("id") : params.get("deviceid");
    if (id == null || id.isBlank()) {
      problems.add(FieldProblem.at("id", "is required: the tracker id TravelWatch gave"));
    }
    Double lat = number(params.get("lat"), "lat", problems);
    Double lon = number(params.get("lon"), "lon", problems);
    String location = params.get("location");
    if (location != null) {
      String[] parts = location.split(",", -1);
      if (parts.length != 2) {
        problems.add(FieldProblem.at("location", "must be lat,lon"));
      } else {
        lat = number(parts[0].trim(), "location", problems);
        lon = number(parts[1].trim(), "location", problems);
      }
    }
    Instant fix = time(params.get("timestamp"), "timestamp", now, problems);
    Double knots = number(params.get("speed"), "speed", problems);
    Double accuracy = number(params.get("accuracy"), "accuracy", problems);
    number(params.get("bearing"), "bearing", problems);
    number(params.get("heading"), "heading", problems);
    number(params.get("altitude"), "altitude", problems);
    number(params.get("batt"), "batt", problems);
    boolean valid = !"false".equalsIgnoreCase(params.get("valid"));
    Position position = checked(problems, fix, lat, lon, knots, Position.KNOTS_TO_KPH, accuracy);
    return new Report(id, position.withValid(valid));
  }

  /**
   * The JSON form: {@code {device_id, location: {timestamp, coords: {latitude, longitude, speed
   * (m/s), heading, accuracy, altitude}, is_moving, battery: {level}}}}.
   */
  static Report osmAndJson(JsonObject body, Instant now) {
    List<FieldProblem> problems = new ArrayList<>();
    Object id = body.getValue("device_id");
    if (!(id instanceof String) || ((String) id).isBlank()) {
      problems.add(FieldProblem.at("device_id", "is required: the tracker id TravelWatch gave"));
    }
    JsonObject location = object(body, "location", problems);
    JsonObject coords = location == null ? null : object(location, "coords", problems);
    Instant fix =
        location == null ? null : time(location.getValue("timestamp"), "timestamp", now, problems);
    Double lat = coords == null ? null : required(coords, "latitude", problems);
    Double lon = coords == null ? null : required(coords, "longitude", problems);
    Double mps = coords == null ? null : optional(coords, "speed", problems);
    Double accuracy = coords == null ? null : optional(coords, "accuracy", problems);
    Position position = checked(problems, fix, lat, lon, mps, Position.MPS_TO_KPH, accuracy);
    return new Report((String) id, position);
  }

  /** What Traccar's JSON forwarding sends about the device: its uniqueId. */
  static String traccarUniqueId(JsonObject body) {
    Object device = body.getValue("device");
    Object uniqueId = device instanceof JsonObject d ? d.getValue("uniqueId") : null;
    if (!(uniqueId instanceof String s) || s.isBlank()) {
      throw ApiException.badRequest(
          "No device.", List.of(FieldProblem.at("device.uniqueId", "is required")));
    }
    return s;
  }

  /**
   * Traccar's forwarded position: {@code {position: {fixTime, latitude, longitude, speed (knots),
   * accuracy, valid, …}, device: {uniqueId, …}}}.
   */
  static Position traccarPosition(JsonObject body, Instant now) {
    List<FieldProblem> problems = new ArrayList<>();
    JsonObject position = object(body, "position", problems);
    if (position == null) {
      throw ApiException.badRequest("No position.", problems);
    }
    Object time = position.getValue("fixTime");
    Instant fix =
        time(time != null ? time : position.getValue("deviceTime"), "fixTime", now, problems);
    Double lat = required(position, "latitude", problems);
    Double lon = required(position, "longitude", problems);
    Double knots = optional(position, "speed", problems);
    Double accuracy = optional(position, "accuracy", problems);
    boolean valid = !Boolean.FALSE.equals(position.getValue("valid"));
    return checked(problems, fix, lat, lon, knots, Position.KNOTS_TO_KPH, accuracy)
        .withValid(valid);
  }

  private static Position checked(
      List<FieldProblem> problems,
      Instant fix,
      Double lat,
      Double lon,
      Double speed,
      double toKph,
      Double accuracy) {
    if (lat != null && (lat < -90 || lat > 90)) {
      problems.add(FieldProblem.at("lat", "must be from -90 to 90"));
    }
    if (lon != null && (lon < -180 || lon > 180)) {
      problems.add(FieldProblem.at("lon", "must be from -180 to 180"));
    }
    if (problems.isEmpty() && lat == null) {
      problems.add(FieldProblem.at("lat", "is required"));
    }
    if (problems.isEmpty() && lon == null) {
      problems.add(FieldProblem.at("lon", "is required"));
    }
    if (!problems.isEmpty() || fix == null) {
      throw ApiException.badRequest("The position cannot be read; nothing was stored.", problems);
    }
    // A device that does not know its speed says -1 or nothing.
    Double kph = speed == null || speed < 0 ? null : speed * toKph;
    return new Position(fix, lat, lon, kph, accuracy, true);
  }

  private static JsonObject object(JsonObject json, String field, List<FieldProblem> problems) {
    Object value = json.getValue(field);
    if (value instanceof JsonObject o) {
      return o;
    }
    problems.add(FieldProblem.at(field, value == null ? "is required" : "must be an object"));
    return null;
  }

  private static Double required(JsonObject json, String field, List<FieldProblem> problems) {
    Object value = json.getValue(field);
    if (value == null) {
      problems.add(FieldProblem.at(field, "is required"));
      return null;
    }
    return optional(json, field, problems);
  }

  private static Double optional(JsonObject json, String field, List<FieldProblem> problems) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    problems.add(FieldProblem.at(field, "must be a number"));
    return null;
  }

  private static Double number(String text, String field, List<FieldProblem> problems) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      double d = Double.parseDouble(text.trim());
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(FieldProblem.at(field, "must be a number"));
    return null;
  }

  /** Epoch seconds or milliseconds (as Traccar tells them apart), or ISO 8601 with an offset. */
  static Instant time(Object value, String field, Instant now, List<FieldProblem> problems) {
    if (value == null) {
      return now;
    }
    if (value instanceof Number n) {
      return epoch(n.longValue());
    }
    String text = value.toString().trim();
    if (text.matches("\\d{1,15}(\\.\\d+)?")) {
      return epoch((long) Double.parseDouble(text));
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeException e) {
      try {
        // Traccar writes offsets without a colon (+0000).
        return OffsetDateTime.parse(
                text, java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS]Z"))
            .toInstant();
      } catch (DateTimeException again) {
        problems.add(
            FieldProblem.at(
                field, "must be epoch seconds or milliseconds, or ISO 8601 with an offset"));
        return null;
      }
    }
  }

  private static Instant epoch(long value) {
    return value < Integer.MAX_VALUE ? Instant.ofEpochSecond(value) : Instant.ofEpochMilli(value);
  }
}
