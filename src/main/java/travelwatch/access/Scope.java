package travelwatch.access;

import java.util.Locale;

/** What a council (non-operator) API key is for. */
public enum Scope {
  TELEPHONY,
  CASEWORK,
  HR,
  ADMIN,
  CONTROL;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Scope parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
