package travelwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.ingest.CommittedEvents.Committed;

@DisplayName("Committed events between nodes: the wire form gives back exactly what was sent")
class CommittedEventsCodecTest {
  @Test
  @DisplayName("Numbers, times to the nanosecond, missing run ids and non-ASCII bodies survive")
  void roundTrip() {
    CommittedEvents sent =
        new CommittedEvents(
            List.of(
                new Committed(
                    42,
                    "operator:OP1",
                    "e-1",
                    "vehicle.position",
                    Instant.parse("2026-11-23T08:05:00.123456789Z"),
                    Instant.parse("2026-11-23T08:05:01Z"),
                    "R1-AM",
                    "{\"runId\":\"R1-AM\",\"lat\":52.48}"),
                new Committed(
                    43,
                    "scope:telephony",
                    "c-é",
                    "call.offered",
                    Instant.parse("2026-11-23T08:06:00Z"),
                    Instant.parse("2026-11-23T08:06:00.5Z"),
                    null,
                    "{\"callId\":\"Cé-1\",\"queue\":\"transport\"}")));
    CommittedEvents.Codec codec = new CommittedEvents.Codec();
    Buffer wire = Buffer.buffer().appendString("header");
    codec.encodeToWire(wire, sent);
    assertThat(codec.decodeFromWire(6, wire)).isEqualTo(sent);
    assertThat(codec.transform(sent)).isSameAs(sent);
  }
}
