package travelwatch.mi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import travelwatch.platform.CsvText;
import travelwatch.platform.Rfc3339;

/** The one JSON (and CSV) form of findings, a reconciliation and the month's status. */
final class MiJson {
  private MiJson() {}

  static final String CSV_HEADER = "severity,kind,runId,crewId,date,detail";

  static JsonObject finding(Finding f) {
    JsonObject json =
        new JsonObject().put("severity", f.severity().wireName()).put("kind", f.kind().wireName());
    if (f.runId() != null) {
      json.put("runId", f.runId());
    }
    if (f.crewId() != null) {
      json.put("crewId", f.crewId());
    }
    if (f.date() != null) {
      json.put("date", f.date().toString());
    }
    return json.put("detail", f.detail());
  }

  static JsonArray findings(List<Finding> findings) {
    JsonArray array = new JsonArray();
    findings.forEach(f -> array.add(finding(f)));
    return array;
  }

  static Map<Finding.Severity, Integer> counts(List<Finding> findings) {
    Map<Finding.Severity, Integer> counts = new EnumMap<>(Finding.Severity.class);
    for (Finding.Severity s : Finding.Severity.values()) {
      counts.put(s, 0);
    }
    findings.forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
    return counts;
  }

  static JsonObject bySeverity(int critical, int high, int warning) {
    return new JsonObject().put("critical", critical).put("high", high).put("warning", warning);
  }

  /** The latest return's reconciliation, as stored with it. */
  static JsonObject reconciliation(MiStore.Latest latest, ZoneId zone) {
    int[] counts = new int[3];
    latest
        .findings()
        .forEach(
            f ->
                counts[
                    Finding.Severity.valueOf(
                            ((JsonObject) f)
                                .getString("severity")
                                .toUpperCase(java.util.Locale.ROOT))
                        .ordinal()]++);
    return new JsonObject()
        .put("operatorId", latest.operatorId())
        .put("month", latest.month().toString())
        .put("version", latest.version())
        .put("receivedAt", Rfc3339.format(latest.receivedAt(), zone))
        .put("bySeverity", bySeverity(counts[0], counts[1], counts[2]))
        .put("findings", latest.findings());
  }

  /** The findings as CSV, one per line under {@link #CSV_HEADER}. */
  static String csv(JsonArray findings) {
    StringBuilder csv = new StringBuilder(CSV_HEADER).append("\r\n");
    for (Object o : findings) {
      JsonObject f = (JsonObject) o;
      List<String> cells =
          List.of(
              f.getString("severity"),
              f.getString("kind"),
              f.getString("runId", ""),
              f.getString("crewId", ""),
              f.getString("date", ""),
              f.getString("detail"));
      for (int i = 0; i < cells.size(); i++) {
        csv.append(i == 0 ? "" : ",").append(CsvText.field(cells.get(i)));
      }
      csv.append("\r\n");
    }
    return csv.toString();
  }
}
