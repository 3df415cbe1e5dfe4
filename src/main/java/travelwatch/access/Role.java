package travelwatch.access;

import java.util.Locale;

/** Control-room roles, ordered: each has everything the ones before it have. */
public enum Role {
  VIEWER,
  CONTROLLER,
  MANAGER,
  ADMIN;

  public boolean atLeast(Role other) {
    return compareTo(other) >= 0;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
