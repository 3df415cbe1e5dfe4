package travelwatch.cli;

import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import travelwatch.sim.SimulatedDay;

/** {@code simulate}: drives a running server over HTTP with a generated school day. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Drive a running server over HTTP with a simulated school day (a real client of the API).",
      "Start the server with the same --clock-start and --clock-speed so both share the day."
    })
public final class SimulateCommand implements Callable<Integer> {
  @Option(
      names = "--url",
      required = true,
      description =
          "The server, e.g. http://localhost:8080. Repeat it for a cluster's nodes: each"
              + " operator's system then sends to one of them, and the rest goes to the first.")
  List<URI> urls;

  @Option(
      names = "--batch-every",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description =
          "How often, in service time, an operator's system forwards what its vehicles reported"
              + " (one request at a time; drivers' phones send at once). Default ${DEFAULT-VALUE}.")
  double batchEvery;

  @Option(
      names = "--key",
      required = true,
      description = "An admin API key (keys create --scope admin).")
  String key;

  @Option(
      names = "--speed",
      defaultValue = "10",
      description = "Clock speed (same as the server's --clock-speed). Default ${DEFAULT-VALUE}.")
  double speed;

  @Option(
      names = "--clock-start",
      defaultValue = "06:30",
      description = "Same as the server's --clock-start. Default ${DEFAULT-VALUE}.")
  String clockStart;

  @Option(
      names = "--clock-anchor",
      paramLabel = "EPOCH_MS",
      description = "Same as the server's --clock-anchor, so both read exactly the same time.")
  Long clockAnchor;

  @Option(
      names = "--routes",
      defaultValue = "1050",
      description = "Routes in the generated plan. Default ${DEFAULT-VALUE}.")
  int routes;

  @Option(
      names = "--councils",
      defaultValue = "1",
      description =
          "Councils of --routes routes each, played as one day (as plan generate --councils)."
              + " Default ${DEFAULT-VALUE}.")
  int councils;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description =
          "Write what is measured here as JSON lines: progress every few seconds, then a summary"
              + " (event-to-alert latency from the live stream, the fault check).")
  Path report;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Same seed, same day. Default ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--until",
      defaultValue = "17:30",
      description = "Stop at this time of the simulated day. Default ${DEFAULT-VALUE}.")
  LocalTime until;

  @Override
  public Integer call() {
    if (councils < 1
        || councils > 100
        || routes < 1
        || routes > 100_000
        || !(batchEvery >= 0 && batchEvery <= 300)) {
      System.err.println(
          "travelwatch: --councils must be 1 to 100, --routes 1 to 100000 and --batch-every 0 to"
              + " 300 seconds");
      return 2;
    }
    ClockOptions clockOptions = new ClockOptions();
    clockOptions.start = clockStart;
    clockOptions.speed = speed;
    clockOptions.anchor = clockAnchor;
    ZoneId zone = ZoneId.of("Europe/London");
    Vertx vertx = Vertx.vertx();
    try {
      SimulatedDay day =
          new SimulatedDay(
              vertx, urls, clockOptions.clock(zone, null, 1.0), zone, System.out::println);
      day.run(
              key,
              new SimulatedDay.Options(
                  routes,
                  seed,
                  until,
                  councils,
                  Optional.ofNullable(report),
                  Duration.ofMillis(Math.round(batchEvery * 1000))))
          .await();
      day.close();
      return 0;
    } finally {
      vertx.close().await();
    }
  }
}
