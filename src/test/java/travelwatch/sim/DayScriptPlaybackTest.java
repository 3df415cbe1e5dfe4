package travelwatch.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanGenerator;

@DisplayName("A scripted day is made as it is played, in time order, the same as it always was")
class DayScriptPlaybackTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final LocalDate DAY = LocalDate.of(2026, 11, 23);

  @Test
  @DisplayName(
      "The same plan and seed give exactly the events and eventIds the day gave when it was built"
          + " whole and sorted")
  void sameEventsAsEver() throws Exception {
    Plan plan = new PlanGenerator(7, 120, List.of(DAY)).generate();
    DayScript.Script script = new DayScript(plan, DAY, LONDON, 7).build();
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    int count = 0;
    for (DayScript.Scripted e : script.events()) {
      digest.update(
          (e.at() + "|" + e.sender() + "|" + new JsonObject(e.event()).encode() + "\n")
              .getBytes(StandardCharsets.UTF_8));
      count++;
    }
    assertThat(count).isEqualTo(script.eventCount()).isEqualTo(34_287);
    // The digest of this day as the whole-day, stably sorted script made it.
    assertThat(HexFormat.of().formatHex(digest.digest()))
        .isEqualTo("e52f12cd9d58b5099a7808abb2d0c4c2b3d350378711c03c3475714f0c1f2993");
  }

  @Test
  @DisplayName(
      "Playing two councils' day holds a small part of it at a time, in time order, every event"
          + " once")
  void playsWithoutHoldingTheDay() {
    Plan plan = PlanGenerator.councils(1, 2, 1050, List.of(DAY));
    DayScript.Script script = new DayScript(plan, DAY, LONDON, 1).build();
    DayScript.Playback playback = script.playback();
    int count = 0;
    int mostHeld = 0;
    Instant last = Instant.MIN;
    java.util.Set<Object> ids = new java.util.HashSet<>();
    while (playback.hasNext()) {
      DayScript.Scripted e = playback.next();
      assertThat(e.at()).isAfterOrEqualTo(last);
      last = e.at();
      ids.add(e.event().get("eventId"));
      mostHeld = Math.max(mostHeld, playback.held());
      count++;
    }
    assertThat(count).isEqualTo(script.eventCount()).isEqualTo(ids.size());
    assertThat(count).isGreaterThan(500_000);
    assertThat(mostHeld).isLessThan(count / 20);
  }
}
