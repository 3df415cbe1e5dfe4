package travelwatch.platform;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The one way the service writes a time: RFC 3339 with seconds and an offset, in the service's zone
 * ({@code OffsetDateTime.toString()} drops zero seconds, which RFC 3339 does not allow).
 */
public final class Rfc3339 {
  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  private Rfc3339() {}

  public static String format(Instant t, ZoneId zone) {
    return t == null ? null : FORMAT.format(t.atZone(zone).toOffsetDateTime());
  }

  public static String format(OffsetDateTime t, ZoneId zone) {
    return t == null ? null : FORMAT.format(t.atZoneSameInstant(zone).toOffsetDateTime());
  }

  public static String format(OffsetDateTime t) {
    return t == null ? null : FORMAT.format(t);
  }
}
