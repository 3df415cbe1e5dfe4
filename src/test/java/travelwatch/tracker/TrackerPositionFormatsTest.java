package travelwatch.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.platform.http.ApiException;

@DisplayName("Trackers: the OsmAnd and Traccar position formats, read into TravelWatch's units")
class TrackerPositionFormatsTest {
  private static final Instant NOW = Instant.parse("2026-11-23T08:30:00Z");

  private static MultiMap query(String... pairs) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      m.add(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  @Test
  @DisplayName(
      "Timestamps: epoch seconds, epoch milliseconds, ISO 8601 (with or without a colon in the offset), or now")
  void timestamps() {
    Instant fix = Instant.parse("2026-11-23T08:12:00Z");
    for (String t :
        new String[] {
          String.valueOf(fix.getEpochSecond()),
          String.valueOf(fix.toEpochMilli()),
          "2026-11-23T08:12:00Z",
          "2026-11-23T08:12:00.000+00:00",
          "2026-11-23T08:12:00.000+0000"
        }) {
      assertThat(
              PositionFormats.osmAndQuery(
                      query("id", "t", "lat", "52.5", "lon", "-1.9", "timestamp", t), NOW)
                  .position()
                  .fix())
          .as(t)
          .isEqualTo(fix);
    }
    assertThat(
            PositionFormats.osmAndQuery(query("id", "t", "lat", "52.5", "lon", "-1.9"), NOW)
                .position()
                .fix())
        .isEqualTo(NOW);
  }

  @Test
  @DisplayName("The query form: deviceid and location=lat,lon; speed in knots; valid=false kept")
  void queryForm() {
    var report =
        PositionFormats.osmAndQuery(
            query("deviceid", "trk_1", "location", "52.49,-1.895", "speed", "10", "valid", "false"),
            NOW);
    assertThat(report.trackerId()).isEqualTo("trk_1");
    assertThat(report.position().lat()).isEqualTo(52.49);
    assertThat(report.position().lon()).isEqualTo(-1.895);
    assertThat(report.position().speedKph()).isCloseTo(18.52, within(1e-9));
    assertThat(report.position().valid()).isFalse();
  }

  @Test
  @DisplayName(
      "The JSON form: speed in m/s; Traccar's forwarding: speed in knots, valid and accuracy")
  void jsonForms() {
    var report =
        PositionFormats.osmAndJson(
            new JsonObject()
                .put("device_id", "trk_1")
                .put(
                    "location",
                    new JsonObject()
                        .put("timestamp", "2026-11-23T08:12:00.000Z")
                        .put(
                            "coords",
                            new JsonObject()
                                .put("latitude", 52.5)
                                .put("longitude", -1.9)
                                .put("speed", 5))),
            NOW);
    assertThat(report.position().speedKph()).isCloseTo(18.0, within(1e-9));
    Position forwarded =
        PositionFormats.traccarPosition(
            new JsonObject()
                .put(
                    "position",
                    new JsonObject()
                        .put("fixTime", "2026-11-23T08:12:00.000+00:00")
                        .put("latitude", 52.5)
                        .put("longitude", -1.9)
                        .put("speed", 5)
                        .put("accuracy", 120.0)
                        .put("valid", false))
                .put("device", new JsonObject().put("uniqueId", "358240051111110")),
            NOW);
    assertThat(forwarded.speedKph()).isCloseTo(9.26, within(1e-9));
    assertThat(forwarded.accuracy()).isEqualTo(120.0);
    assertThat(forwarded.valid()).isFalse();
  }

  @Test
  @DisplayName("Malformed or missing fields are a 400 naming the field")
  void malformed() {
    assertThatThrownBy(
            () -> PositionFormats.osmAndQuery(query("id", "t", "lat", "abc", "lon", "1"), NOW))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("cannot be read");
    assertThatThrownBy(() -> PositionFormats.osmAndQuery(query("id", "t", "lat", "52.5"), NOW))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(
            () -> PositionFormats.osmAndQuery(query("id", "t", "lat", "91", "lon", "1"), NOW))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(
            () -> PositionFormats.osmAndJson(new JsonObject().put("device_id", "t"), NOW))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
  }
}
