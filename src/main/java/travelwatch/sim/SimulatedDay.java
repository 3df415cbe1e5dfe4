package travelwatch.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import travelwatch.config.MonitorSettings;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanGenerator;
import travelwatch.sim.DayScript.Fault;
import travelwatch.sim.DayScript.FaultKind;

/** A whole simulated day against a server: plan, keys, events, then what was injected and seen. */
public final class SimulatedDay {
  /**
   * How to run it: {@code councils} councils of {@code routes} routes each; with a {@code report}
   * file, what is measured goes there as JSON lines (see {@link DayReport}).
   */
  public record Options(
      int routes,
      long seed,
      LocalTime until,
      int councils,
      Optional<Path> report,
      Duration batchEvery) {
    /** How often, in service time, an operator's system forwards what its vehicles reported. */
    public static final Duration BATCH_EVERY = Duration.ofSeconds(5);

    public Options(int routes, long seed, LocalTime until) {
      this(routes, seed, until, 1, Optional.empty(), BATCH_EVERY);
    }
  }

  private final Vertx vertx;
  private final List<WebClient> nodes;
  private final WebClient client;
  private final Clock clock;
  private final ZoneId zone;
  private final Consumer<String> out;
  private final URI url;

  public SimulatedDay(Vertx vertx, URI url, Clock clock, ZoneId zone, Consumer<String> out) {
    this(vertx, List.of(url), clock, zone, out);
  }

  /**
   * Against a cluster: each operator's system sends to one of {@code urls} (chosen by operator, as
   * behind a load balancer with sticky connections); plan, keys and alerts go to the first.
   */
  public SimulatedDay(Vertx vertx, List<URI> urls, Clock clock, ZoneId zone, Consumer<String> out) {
    this.vertx = vertx;
    this.nodes = urls.stream().map(u -> client(vertx, u)).toList();
    this.client = nodes.get(0);
    URI url = urls.get(0);
    this.clock = clock;
    this.zone = zone;
    this.out = out;
    this.url = url;
  }

  private static WebClient client(Vertx vertx, URI url) {
    return WebClient.create(
        vertx,
        new WebClientOptions()
            .setDefaultHost(url.getHost())
            .setDefaultPort(url.getPort() < 0 ? 80 : url.getPort())
            .setSsl("https".equals(url.getScheme())),
        new PoolOptions().setHttp1MaxSize(Simulator.MAX_IN_FLIGHT));
  }

  public LocalDate date() {
    return clock.instant().atZone(zone).toLocalDate();
  }

  public Future<Simulator.Summary> run(String adminKey, Options options) {
    LocalDate date = date();
    Plan plan =
        PlanGenerator.councils(options.seed(), options.councils(), options.routes(), List.of(date));
    DayScript.Script script = new DayScript(plan, date, zone, options.seed()).build();
    out.accept(
        String.format(
            "Simulating %s: %d runs, %d events, %d faults injected; clock at %s",
            date,
            plan.runs().size(),
            script.eventCount(),
            script.faults().size(),
            clock.instant().atZone(zone).toLocalTime().withNano(0)));
    Instant until = date.atTime(options.until()).atZone(zone).toInstant();
    return SimulationSetup.prepare(client, adminKey, plan, script.crewApp())
        .onSuccess(
            keys -> {
              StringBuilder views =
                  new StringBuilder("Parents' views (open one beside the control room):");
              keys.parentViews().forEach(v -> views.append("\n  pupil ").append(v));
              out.accept(views.toString());
              out.accept(
                  "A school's view (log in on the control-room page): " + keys.schoolLogin());
              if (clock instanceof AcceleratedClock accelerated) {
                accelerated.release(); // the day starts once the server has its plan and keys
              }
            })
        .compose(
            keys -> {
              DayReport report = options.report().map(DayReport::new).orElse(null);
              AlertLatency latency =
                  report == null
                      ? null
                      : new AlertLatency(script.faults(), MonitorSettings.defaults());
              Future<AlertStream> stream =
                  latency == null
                      ? Future.succeededFuture()
                      : AlertStream.open(vertx, url, keys.control(), latency::alert);
              return stream.compose(
                  watching -> {
                    Simulator simulator =
                        new Simulator(
                            vertx,
                            nodes,
                            options.batchEvery(),
                            clock,
                            zone,
                            keys.bySender(),
                            keys.control(),
                            script,
                            out,
                            latency,
                            report == null ? null : report::progress);
                    return simulator
                        .run(until)
                        .compose(
                            summary ->
                                AlertsReader.all(client, keys.control(), date)
                                    .map(
                                        alerts -> {
                                          out.accept(report(summary, alerts, until));
                                          if (report != null) {
                                            report.summary(
                                                summary(
                                                    simulator, latency, summary, alerts, until));
                                          }
                                          return summary;
                                        }))
                        .eventually(
                            () -> {
                              if (watching != null) {
                                watching.close();
                              }
                              return Future.succeededFuture();
                            });
                  });
            });
  }

  /** The report's last line: the final figures, the fault check, every latency in time. */
  private static JsonObject summary(
      Simulator simulator,
      AlertLatency latency,
      Simulator.Summary summary,
      JsonArray alerts,
      Instant until) {
    List<String> problems = Simulator.mismatches(summary.script(), alerts, until);
    return simulator
        .measures()
        .put("faults", summary.script().faults().size())
        .put(
            "faultCheck",
            new JsonObject()
                .put("passed", problems.isEmpty())
                .put("problems", new JsonArray(problems)))
        .put("eventToAlertTimeline", latency.timeline(simulator.startedNanos()));
  }

  public Future<JsonArray> alerts(String controlKey) {
    return AlertsReader.all(client, controlKey, date());
  }

  /** What was injected, what each fault should raise, and whether it did. */
  public static String report(Simulator.Summary s, JsonArray alerts, Instant until) {
    StringBuilder r = new StringBuilder("\nSimulated day summary\n");
    r.append(
        String.format(
            "  events sent %d: %d stored, %d duplicates (retries with the same eventIds), %d retried, %d refused%n",
            s.sent(), s.accepted(), s.duplicates(), s.retries(), s.rejected()));
    r.append(
        String.format(
            "  calls offered %d, answered %d (%.1f%%); pupils reported absent %d%n",
            s.script().calls(),
            s.script().callsAnswered(),
            100.0 * s.script().callsAnswered() / Math.max(1, s.script().calls()),
            s.script().pupilsAbsent()));
    Map<FaultKind, Integer> counts = new TreeMap<>();
    for (Fault f : s.script().faults()) {
      counts.merge(f.kind(), 1, Integer::sum);
    }
    r.append("  faults injected:\n");
    counts.forEach(
        (k, n) ->
            r.append(
                String.format(
                    "    %-17s %3d  → expects %s%n", k, n, String.join(" + ", k.expected))));
    for (Fault f : s.script().faults()) {
      r.append(
          String.format("    %-17s run %s (operator %s)%n", f.kind(), f.runId(), f.operatorId()));
    }
    List<String> problems = Simulator.mismatches(s.script(), alerts, until);
    r.append(String.format("  alerts in the store today: %d%n", alerts.size()));
    if (problems.isEmpty()) {
      r.append("  every injected fault raised its alert, and no healthy run raised any.\n");
    } else {
      r.append("  differences:\n");
      problems.forEach(p -> r.append("    ").append(p).append('\n'));
    }
    return r.toString();
  }

  public void close() {
    nodes.forEach(WebClient::close);
  }
}
