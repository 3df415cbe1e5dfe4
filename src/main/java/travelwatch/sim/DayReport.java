package travelwatch.sim;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the simulator measured, as JSON lines: a {@code "progress"} line every few real seconds and
 * a {@code "summary"} line at the end (with the fault check and every event-to-alert latency).
 */
final class DayReport {
  private final Path file;

  DayReport(Path file) {
    this.file = file;
    write(""); // a fresh file for each day
  }

  void progress(JsonObject measures) {
    append(measures.copy().put("line", "progress"));
  }

  void summary(JsonObject measures) {
    append(measures.copy().put("line", "summary"));
  }

  private void append(JsonObject line) {
    try {
      // A line of a few hundred bytes every few seconds: written in place.
      Files.writeString(
          file,
          line.encode() + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
