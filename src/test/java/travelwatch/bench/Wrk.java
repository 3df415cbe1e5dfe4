package travelwatch.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs wrk (a second process on loopback) with one of the scripts in {@code bench/} (the events
 * script unless told) and reads its result line.
 */
final class Wrk {
  record Result(
      long requests,
      double seconds,
      long non2xx,
      long socketErrors,
      double p50Millis,
      double p99Millis) {
    double requestsPerSecond() {
      return requests / seconds;
    }
  }

  private final Path script;

  Wrk(Path workDir) throws IOException {
    this(workDir, "events.lua");
  }

  Wrk(Path workDir, String scriptName) throws IOException {
    Files.createDirectories(workDir);
    script = workDir.resolve(scriptName);
    try (var in = Wrk.class.getResourceAsStream("/bench/" + scriptName)) {
      Files.write(script, in.readAllBytes());
    }
  }

  static boolean installed() {
    return Files.isExecutable(Path.of("/usr/bin/wrk"));
  }

  Result run(
      String url,
      int connections,
      Duration duration,
      String key,
      String prefix,
      int batch,
      String runs)
      throws IOException, InterruptedException {
    JsonObject r = result(url, connections, duration, key, prefix, String.valueOf(batch), runs);
    return new Result(
        r.getLong("requests"),
        r.getLong("durationMicros") / 1e6,
        r.getLong("status"),
        socketErrors(r),
        r.getLong("p50Micros") / 1000.0,
        r.getLong("p99Micros") / 1000.0);
  }

  /** Runs the script with {@code args} after {@code --} and answers its RESULT line as JSON. */
  JsonObject result(String url, int connections, Duration duration, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "wrk",
                "-t2",
                "-c" + connections,
                "-d" + duration.toSeconds() + "s",
                "--timeout",
                "10s",
                "-s",
                script.toString(),
                url,
                "--"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    String line =
        out.lines()
            .filter(l -> l.startsWith("RESULT "))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("wrk printed no result:\n" + out));
    return new JsonObject(line.substring(7));
  }

  static long socketErrors(JsonObject r) {
    return r.getLong("connect") + r.getLong("read") + r.getLong("write") + r.getLong("timeout");
  }
}
