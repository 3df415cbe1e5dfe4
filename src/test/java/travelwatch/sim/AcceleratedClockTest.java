package travelwatch.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.cli.ClockOptions;
import travelwatch.support.JarProcess;

@DisplayName("The demo's accelerated clock")
class AcceleratedClockTest {
  private static final Instant SIX_THIRTY = Instant.parse("2026-11-23T06:30:00Z");

  @Test
  @DisplayName("A held clock stands at its start until released, then runs X times faster")
  void heldUntilReleased() {
    AcceleratedClock clock = AcceleratedClock.held(SIX_THIRTY, 600);
    long realStart = System.nanoTime();
    JarProcess.await(
        "real time to pass",
        java.time.Duration.ofSeconds(5),
        () -> System.nanoTime() - realStart > 200_000_000);
    assertThat(clock.instant()).isEqualTo(SIX_THIRTY);
    clock.release();
    JarProcess.await(
        "the clock to run",
        java.time.Duration.ofSeconds(5),
        () -> clock.instant().isAfter(SIX_THIRTY.plusSeconds(60)));
  }

  @Test
  @DisplayName(
      "The demo's clock options give a held clock at 06:30 today; serve's give real time by default")
  void clockOptions() {
    ZoneId london = ZoneId.of("Europe/London");
    var demo = new ClockOptions().clock(london, "06:30", 10, true);
    assertThat(demo).isInstanceOf(AcceleratedClock.class);
    Instant first = demo.instant();
    assertThat(first.atZone(london).toLocalTime()).hasToString("06:30");
    assertThat(demo.instant()).isEqualTo(first);
    assertThat(new ClockOptions().clock(london, null, 1.0)).isNotInstanceOf(AcceleratedClock.class);
  }
}
