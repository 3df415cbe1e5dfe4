package travelwatch.audit;

import java.time.ZoneId;
import java.util.List;
import travelwatch.platform.CsvText;
import travelwatch.platform.Rfc3339;

/** The audit trail as CSV, for the API's {@code format=csv} and {@code audit export}. */
public final class AuditCsv {
  static final String HEADER = "id,at,actor,address,action,objectType,objectId,pupilId";

  private AuditCsv() {}

  public static String header() {
    return HEADER + "\r\n";
  }

  /** The header row and one row per entry. */
  static String write(List<AuditStore.Stored> entries, ZoneId zone) {
    return header() + rows(entries, zone);
  }

  /** One row per entry, without the header. */
  public static String rows(List<AuditStore.Stored> entries, ZoneId zone) {
    StringBuilder out = new StringBuilder();
    for (AuditStore.Stored e : entries) {
      out.append(e.id());
      for (String cell :
          new String[] {
            Rfc3339.format(e.at(), zone),
            e.actor(),
            e.address(),
            e.action(),
            e.objectType(),
            e.objectId(),
            e.pupilId()
          }) {
        out.append(',').append(CsvText.field(cell));
      }
      out.append("\r\n");
    }
    return out.toString();
  }
}
