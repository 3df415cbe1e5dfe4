package travelwatch.platform;

/** Writing CSV for people's spreadsheets: RFC 4180 quoting, formulas neutralised. */
public final class CsvText {
  private CsvText() {}

  /**
   * A field quoted when it must be (none is empty); a leading formula character is neutralised for
   * spreadsheets.
   */
  public static String field(String value) {
    String v = value == null ? "" : value;
    if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
