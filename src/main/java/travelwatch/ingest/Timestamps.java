package travelwatch.ingest;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Reads an event's {@code occurredAt}: RFC 3339 with an offset, as the contract's pattern allows
 * ({@code 2026-11-23T08:15:00Z}, {@code 2026-11-23T08:15:00.250+01:00}). It gives what {@link
 * OffsetDateTime#parse} gives, at a fraction of the cost: every event of every request goes through
 * here.
 */
final class Timestamps {
  private Timestamps() {}

  /**
   * @throws DateTimeException if the text is not such a timestamp, or names no real instant (30
   *     February, hour 24, an offset beyond 18 hours)
   */
  static OffsetDateTime parse(String text) {
    int n = text.length();
    if (n < 20 || !shapeOk(text)) {
      return OffsetDateTime.parse(text); // the JDK's error message, or its reading of odd forms
    }
    int nanos = 0;
    int i = 19;
    if (text.charAt(i) == '.') {
      int digits = 0;
      i++;
      while (i < n && isDigit(text.charAt(i))) {
        if (digits == 9) {
          return OffsetDateTime.parse(text);
        }
        nanos = nanos * 10 + (text.charAt(i) - '0');
        digits++;
        i++;
      }
      if (digits == 0) {
        return OffsetDateTime.parse(text);
      }
      for (int d = digits; d < 9; d++) {
        nanos *= 10;
      }
    }
    ZoneOffset offset;
    if (i == n - 1 && text.charAt(i) == 'Z') {
      offset = ZoneOffset.UTC;
    } else if (i == n - 6
        && (text.charAt(i) == '+' || text.charAt(i) == '-')
        && isDigit(text.charAt(i + 1))
        && isDigit(text.charAt(i + 2))
        && text.charAt(i + 3) == ':'
        && isDigit(text.charAt(i + 4))
        && isDigit(text.charAt(i + 5))) {
      int sign = text.charAt(i) == '-' ? -1 : 1;
      int hours = number(text, i + 1, 2);
      int minutes = number(text, i + 4, 2);
      if (minutes > 59) {
        throw new DateTimeException("Offset minutes out of range: " + text);
      }
      offset = ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
    } else {
      return OffsetDateTime.parse(text);
    }
    return OffsetDateTime.of(
        number(text, 0, 4),
        number(text, 5, 2),
        number(text, 8, 2),
        number(text, 11, 2),
        number(text, 14, 2),
        number(text, 17, 2),
        nanos,
        offset);
  }

  /** {@code YYYY-MM-DDTHH:MM:SS}: digits and separators where they belong. */
  private static boolean shapeOk(String t) {
    for (int i = 0; i < 19; i++) {
      char c = t.charAt(i);
      boolean ok =
          switch (i) {
            case 4, 7 -> c == '-';
            case 10 -> c == 'T';
            case 13, 16 -> c == ':';
            default -> isDigit(c);
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int number(String t, int from, int length) {
    int v = 0;
    for (int i = from; i < from + length; i++) {
      v = v * 10 + (t.charAt(i) - '0');
    }
    return v;
  }
}
