package travelwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("An event's occurredAt is read exactly as the JDK reads RFC 3339")
class TimestampsTest {
  @Test
  @DisplayName("UTC, offsets either side, and fractions of 1 to 9 digits give the same instant")
  void readsTheContractsForms() {
    for (String t :
        List.of(
            "2026-11-23T08:15:00Z",
            "2026-11-23T08:15:00.5Z",
            "2026-11-23T08:15:00.123456789Z",
            "2026-11-23T08:15:00.250+01:00",
            "2026-03-29T01:30:00-05:30",
            "2024-02-29T23:59:59-00:00",
            "0000-01-01T00:00:00+18:00")) {
      assertThat(Timestamps.parse(t)).as(t).isEqualTo(OffsetDateTime.parse(t));
    }
  }

  @Test
  @DisplayName("No real instant, no timestamp: 30 February, hour 24, offsets past 18 hours")
  void refusesWhatNamesNoInstant() {
    for (String t :
        List.of(
            "2026-02-30T08:15:00Z",
            "2025-02-29T08:15:00Z",
            "2026-11-23T24:00:00Z",
            "2026-11-23T08:60:00Z",
            "2026-11-23T08:15:60Z",
            "2026-13-01T08:15:00Z",
            "2026-11-23T08:15:00+19:00",
            "2026-11-23T08:15:00+01:60",
            "2026-11-23T08:15:00.1234567890Z",
            "2026-11-23T08:15:00",
            "2026-11-23 08:15:00Z",
            "")) {
      assertThatThrownBy(() -> Timestamps.parse(t)).as(t).isInstanceOf(DateTimeException.class);
    }
  }

  @Test
  @DisplayName("On 100,000 random timestamp-shaped texts it agrees with the JDK every time")
  void agreesWithTheJdk() {
    Random random = new Random(7);
    String alphabet = "0123456789";
    for (int k = 0; k < 100_000; k++) {
      StringBuilder t = new StringBuilder();
      t.append(digits(random, alphabet, 4)).append('-').append(digits(random, "01", 1));
      t.append(digits(random, alphabet, 1)).append('-').append(digits(random, "0123", 1));
      t.append(digits(random, alphabet, 1)).append('T').append(digits(random, "012", 1));
      t.append(digits(random, alphabet, 1)).append(':').append(digits(random, "0123456", 1));
      t.append(digits(random, alphabet, 1)).append(':').append(digits(random, "0123456", 1));
      t.append(digits(random, alphabet, 1));
      if (random.nextBoolean()) {
        t.append('.').append(digits(random, alphabet, random.nextInt(10)));
      }
      switch (random.nextInt(3)) {
        case 0 -> t.append('Z');
        case 1 ->
            t.append(random.nextBoolean() ? '+' : '-')
                .append(digits(random, "012", 1))
                .append(digits(random, alphabet, 1))
                .append(':')
                .append(digits(random, "0123456", 1))
                .append(digits(random, alphabet, 1));
        default -> {}
      }
      String text = t.toString();
      OffsetDateTime expected;
      try {
        expected = OffsetDateTime.parse(text);
      } catch (DateTimeException e) {
        assertThatThrownBy(() -> Timestamps.parse(text))
            .as(text)
            .isInstanceOf(DateTimeException.class);
        continue;
      }
      assertThat(Timestamps.parse(text)).as(text).isEqualTo(expected);
    }
  }

  private static String digits(Random random, String alphabet, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }
}
