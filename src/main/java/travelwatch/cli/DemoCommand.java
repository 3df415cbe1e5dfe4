package travelwatch.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalTime;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import travelwatch.access.AccessStore;
import travelwatch.access.PasswordHasher;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.config.TravelWatchConfig;
import travelwatch.platform.db.EmbeddedDatabase;
import travelwatch.server.TravelWatchServer;
import travelwatch.sim.SimulatedDay;

/**
 * {@code demo}: a live school day in one command. Starts the server on its own embedded PostgreSQL
 * with today's generated Birmingham-scale plan, demo users and keys, and drives it with the
 * simulator over HTTP; server and simulator share one accelerated clock.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run the server with a simulated school day (06:30 today at 10x by default).")
public final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "data/demo",
      description = "The demo's own data. Default ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "JSON configuration file; TW_… variables override it.")
  Path configFile;

  @Mixin ClockOptions clockOptions;

  @Option(
      names = "--routes",
      defaultValue = "1050",
      description = "Routes in today's plan. Default ${DEFAULT-VALUE}.")
  int routes;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Same seed, same day. Default ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--keep",
      description = "Keep the demo's data from an earlier run instead of starting afresh.")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    TravelWatchConfig config = TravelWatchConfig.load(configFile, dataDir);
    Path pg = config.database().embeddedDataDir();
    if (config.database().url().isEmpty() && !keep) {
      if (EmbeddedDatabase.isRunning(pg)) {
        System.err.println(
            "travelwatch: a demo is already running on " + pg + " (stop it, or use --keep)");
        return 2;
      }
      deleteRecursively(pg);
    }
    Clock clock = clockOptions.clock(config.zone(), "06:30", 10, true);
    TravelWatchServer server = TravelWatchServer.start(config, clock);
    CountDownLatch stopped = server.closeOnShutdown();

    AccessStore access = new AccessStore(server.pool());
    Map<String, String> logins = new LinkedHashMap<>();
    for (Role role : Role.values()) {
      String email = role.wireName() + "@demo.travelwatch";
      String password = password();
      access.putUser(email, role, PasswordHasher.hash(password.toCharArray())).await();
      logins.put(email + " (" + role.wireName() + ")", password);
    }
    String adminKey = access.createScopeKey(Scope.ADMIN).await();
    String controlKey = access.createScopeKey(Scope.CONTROL).await();

    StringBuilder banner = new StringBuilder("\n=== TravelWatch demo ===\n");
    banner.append("Control room:  ").append(server.url()).append('\n');
    banner.append("Logins:\n");
    logins.forEach(
        (who, pw) -> banner.append("  ").append(who).append("  password ").append(pw).append('\n'));
    banner.append("Admin API key: ").append(adminKey).append('\n');
    banner.append("Viewer API key: ").append(controlKey).append('\n');
    banner
        .append("Try: curl -H 'Authorization: Bearer ")
        .append(controlKey)
        .append("' ")
        .append(server.url())
        .append("api/v1/alerts\n");
    banner
        .append("     curl -N -H 'Authorization: Bearer ")
        .append(controlKey)
        .append("' ")
        .append(server.url())
        .append("api/v1/stream\n");
    banner.append("Data:          ").append(config.database().dataDir()).append('\n');
    banner
        .append("Emails:        ")
        .append(
            config.notifications().smtp().isPresent()
                ? "SMTP " + config.notifications().smtp().get().host()
                : config.notifications().mailDir() + " (.eml files; set TW_SMTP_HOST to send)")
        .append('\n');
    banner.append("The simulated day starts now; Ctrl-C stops everything.\n");
    System.out.println(banner);
    System.out.flush();

    SimulatedDay day =
        new SimulatedDay(
            server.vertx(),
            server.url(),
            clock,
            config.zone(),
            line -> {
              System.out.println(line);
              System.out.flush();
            });
    day.run(adminKey, new SimulatedDay.Options(routes, seed, LocalTime.of(17, 30)))
        .onSuccess(
            s ->
                System.out.println(
                    "The simulated day is over; the server keeps running. Ctrl-C to stop."))
        .onFailure(e -> System.out.println("The simulation stopped: " + e.getMessage()));
    stopped.await();
    return 0;
  }

  private static String password() {
    String alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 14; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
