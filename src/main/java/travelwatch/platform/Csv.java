package travelwatch.platform;

/** Writing CSV the one way: RFC 4180 quoting, and no cell a spreadsheet would run as a formula. */
public final class Csv {
  private Csv() {}

  /** One cell: quoted when it holds a comma, quote or line break; a leading =+-@ is defused. */
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
