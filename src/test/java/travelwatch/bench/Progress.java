package travelwatch.bench;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** Progress lines for long benchmark runs. */
final class Progress {
  private Progress() {}

  static void say(String format, Object... args) {
    System.out.println(
        "[" + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + String.format(format, args));
    System.out.flush();
  }
}
