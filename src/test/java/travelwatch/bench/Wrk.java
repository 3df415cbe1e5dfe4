package travelwatch.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Runs wrk (a second process on loopback) with the events script and reads its result line. */
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
    Files.createDirectories(workDir);
    script = workDir.resolve("events.lua");
    try (var in = Wrk.class.getResourceAsStream("/bench/events.lua")) {
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
    Process p =
        new ProcessBuilder(
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
                    "--",
                    key,
                    prefix,
                    String.valueOf(batch),
                    runs))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    String line =
        out.lines()
            .filter(l -> l.startsWith("RESULT "))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("wrk printed no result:\n" + out));
    JsonObject r = new JsonObject(line.substring(7));
    return new Result(
        r.getLong("requests"),
        r.getLong("durationMicros") / 1e6,
        r.getLong("status"),
        r.getLong("connect") + r.getLong("read") + r.getLong("write") + r.getLong("timeout"),
        r.getLong("p50Micros") / 1000.0,
        r.getLong("p99Micros") / 1000.0);
  }
}
