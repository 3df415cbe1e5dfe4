package travelwatch.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import travelwatch.access.Scope;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Crew;
import travelwatch.plan.Plan.CrewRole;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.Operator;
import travelwatch.plan.Plan.Phase;
import travelwatch.plan.Plan.Pupil;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.School;
import travelwatch.plan.Plan.Stop;
import travelwatch.plan.PlanJson;
import travelwatch.support.Browser;
import travelwatch.support.JarProcess;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;

/**
 * The crew app on a phone-sized Chromium over a throttled network ("regular 3G": 300 ms round trip,
 * 750 kbit/s down, 250 kbit/s up): how long the app takes to open the first time and again with no
 * signal, what the phone downloads the first time, and how fast one phone flushes an hour offline
 * (240 positions and 40 taps) once the signal is back.
 */
final class CrewAppBenchmark {
  /** The throttled network, as {@link #network} sets it. */
  static final String NETWORK = "300 ms RTT, 750 kbit/s down, 250 kbit/s up";

  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(120);

  private CrewAppBenchmark() {}

  static JsonObject run(Path work) throws Exception {
    JarProcess.awaitClearOfLondonMidnight(Duration.ofMinutes(30));
    Files.createDirectories(work);
    try (TestServer server = new TestServer(Map.of(), Clock.systemUTC())) {
      String admin = server.scopeKey(Scope.ADMIN);
      server.post("/api/v1/plan", admin, PlanJson.write(plan()));
      String operator = server.operatorKey("OPX");
      String code =
          server
              .post("/api/v1/crew/X-D1/sign-in-codes", operator, new JsonObject())
              .bodyAsJsonObject()
              .getString("code");
      String base = "http://localhost:" + server.port + "/";
      ChromeDriver browser = Browser.start(work.resolve("profile"), 412, 915);
      try {
        network(browser, false, true);
        long t0 = System.nanoTime();
        browser.get(base + "crew/#code=" + code);
        await(browser, "Sign-in code");
        double firstOpen = seconds(t0);
        long bytes =
            ((Number)
                    browser.executeScript(
                        "return performance.getEntriesByType('navigation')"
                            + ".concat(performance.getEntriesByType('resource'))"
                            + ".reduce((n, e) => n + (e.transferSize || 0), 0)"))
                .longValue();
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        await(browser, "Today's runs");
        JarProcess.await(
            "the service worker",
            WAIT,
            () ->
                Boolean.TRUE.equals(
                    browser.executeScript("return !!navigator.serviceWorker.controller")));

        network(browser, true, true);
        long t1 = System.nanoTime();
        browser.navigate().refresh();
        await(browser, "Today's runs");
        double offlineOpen = seconds(t1);

        // An hour with no signal: a run's 40 taps and a position every 15 s, kept on the phone.
        browser.executeAsyncScript(
            """
            const done = arguments[arguments.length - 1];
            import('/crew/queue.js').then(async (q) => {
              for (let i = 0; i < 280; i++) {
                if (i % 7 === 0) {
                  await q.record('pupil.boarded', { runId: 'X-1', pupilId: 'PX' + (i % 5) });
                } else {
                  await q.record('vehicle.position', { runId: 'X-1', lat: 52.5, lon: -1.9 });
                }
              }
              done();
            });
            """);
        JarProcess.await(
            "280 events waiting",
            WAIT,
            () -> browser.findElement(By.id("sync")).getText().startsWith("280 waiting"));
        long t2 = System.nanoTime();
        network(browser, false, true);
        JarProcess.await(
            "every event sent",
            WAIT,
            () -> browser.findElement(By.id("sync")).getText().equals("All sent"));
        double flush = seconds(t2);
        Progress.say(
            "crew app: first open %.2f s (%d bytes), offline open %.2f s, 280 events flushed in"
                + " %.2f s",
            firstOpen, bytes, offlineOpen, flush);
        return new JsonObject()
            .put("network", NETWORK)
            .put("firstOpenSeconds", firstOpen)
            .put("firstDownloadBytes", bytes)
            .put("offlineOpenSeconds", offlineOpen)
            .put("hourOfflineEvents", 280)
            .put("flushSeconds", flush)
            .put("flushEventsPerSecond", 280 / flush)
            .put("storedEvents", TestPostgres.count(server.database, "select count(*) from event"));
      } finally {
        browser.quit();
      }
    }
  }

  private static void await(ChromeDriver browser, String text) {
    JarProcess.await(
        "'" + text + "'",
        WAIT,
        () -> browser.findElement(By.tagName("body")).getText().contains(text));
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** Network conditions for the browser's page (Chromium's emulation through DevTools). */
  static void network(ChromeDriver browser, boolean offline, boolean throttled) {
    browser.executeCdpCommand("Network.enable", Map.of());
    browser.executeCdpCommand(
        "Network.emulateNetworkConditions",
        Map.of(
            "offline", offline,
            "latency", throttled ? 300 : 0,
            "downloadThroughput", throttled ? 750 * 1024 / 8 : -1,
            "uploadThroughput", throttled ? 250 * 1024 / 8 : -1));
  }

  private static Plan plan() {
    ZonedDateTime now = ZonedDateTime.now(LONDON);
    LocalTime t = now.toLocalTime().withSecond(0).withNano(0);
    LocalTime late = LocalTime.of(23, 58);
    LocalTime first = t.plusMinutes(15).isBefore(t) ? late : t.plusMinutes(15);
    LocalTime arrive = t.plusMinutes(50).isBefore(t) ? late : t.plusMinutes(50);
    List<String> pupils = List.of("PX0", "PX1", "PX2", "PX3", "PX4");
    return new Plan(
        List.of(new Operator("OPX", "Bench Cars", "ops@bench.example")),
        List.of(
            new School(
                "SX",
                "Bench School",
                52.48,
                -1.89,
                LocalTime.of(8, 50),
                LocalTime.of(15, 10),
                Phase.PRIMARY)),
        pupils.stream().map(p -> new Pupil(p, "SX", Optional.empty())).toList(),
        List.of(
            new Crew(
                "X-D1",
                "OPX",
                CrewRole.DRIVER,
                Optional.empty(),
                Optional.empty(),
                Optional.empty())),
        List.of(new Route("RX", "OPX", "SX", false)),
        List.of(
            new Run(
                "X-1",
                "RX",
                now.toLocalDate(),
                Direction.AM,
                arrive,
                Optional.of("X-D1"),
                Optional.empty(),
                List.of(
                    new Stop("H1", 1, 52.5, -1.9, first, pupils, List.of()),
                    new Stop("SCH", 2, 52.48, -1.89, arrive.minusMinutes(5), List.of(), pupils)))));
  }
}
