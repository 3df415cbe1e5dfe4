package travelwatch.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import travelwatch.Main;
import travelwatch.access.Scope;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.platform.db.PgEndpoint;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.TestClock;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@DisplayName("Plan changes reach a running server's monitors and ingest, whoever made them")
class PlanChangesTest {
  private static final Duration NOTICED_WITHIN = Duration.ofSeconds(10);

  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:50:00Z"));
  @TempDir Path dir;
  private TestServer server;
  private String viewer;

  @BeforeEach
  void start() {
    server = new TestServer(Map.of("TW_MONITOR_TICK_MS", "200"), clock);
    viewer = server.scopeKey(Scope.CONTROL);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** {@code travelwatch plan import FILE}, run in this JVM against the server's database. */
  private void importFromCommandLine(Plan plan) throws IOException {
    Path file = Files.writeString(dir.resolve("plan.json"), PlanJson.write(plan).encode());
    Path config =
        Files.writeString(
            dir.resolve("config.json"),
            new JsonObject()
                .put(
                    "pgUrl",
                    "postgresql://postgres@localhost:"
                        + server.database.port()
                        + "/"
                        + server.database.database())
                .encode());
    int exit =
        Main.run(
            "plan",
            "import",
            file.toString(),
            "--config",
            config.toString(),
            "--data-dir",
            dir.resolve("data").toString());
    assertThat(exit).isZero();
  }

  private static JsonObject started(String runId, String driverId, Optional<String> guideId) {
    JsonObject event =
        Events.event("run.started", "2026-11-23T07:45:00Z")
            .put("runId", runId)
            .put("driverId", driverId)
            .put("vehicleReg", "BX19 ABC");
    guideId.ifPresent(g -> event.put("guideId", g));
    return event;
  }

  /** Operator A starts run A; the monitors know the run only if they heard of the plan. */
  private void awaitRunAStarted() {
    Events.store(
        server,
        server.operatorKey("OPA"),
        started(TwoOperators.RUN_A, TwoOperators.DRIVER_A, Optional.of(TwoOperators.GUIDE_A)));
    JarProcess.await(
        "the monitors to see run A started",
        NOTICED_WITHIN,
        () ->
            "started"
                .equals(
                    server
                        .get("/api/v1/runs/" + TwoOperators.RUN_A, viewer)
                        .bodyAsJsonObject()
                        .getString("status")));
  }

  /** The backends of the server's plan listener, as PostgreSQL sees them. */
  private static List<Integer> listenerPids(PgEndpoint database) {
    List<Integer> pids = new ArrayList<>();
    try (Connection c = TestPostgres.connect(database);
        PreparedStatement s =
            c.prepareStatement(
                "select pid from pg_stat_activity where datname = current_database()"
                    + " and application_name = ?")) {
      s.setString(1, PlanChangeListener.APPLICATION_NAME);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          pids.add(rs.getInt(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return pids;
  }

  @Test
  @DisplayName(
      "A plan imported from the command line while the server runs is monitored within seconds")
  void commandLineImportReachesMonitors() throws IOException {
    importFromCommandLine(TwoOperators.plan());

    awaitRunAStarted();
  }

  @Test
  @DisplayName(
      "A run moved to another operator from the command line is accepted from its new operator within seconds")
  void commandLineImportClearsOwnership() throws IOException {
    importFromCommandLine(TwoOperators.plan());
    String operatorA = server.operatorKey("OPA");
    String operatorB = server.operatorKey("OPB");
    // Operator B reports its run, so the server caches that the run is B's.
    Events.store(
        server, operatorB, started(TwoOperators.RUN_B, TwoOperators.DRIVER_B, Optional.empty()));
    Run runB = TwoOperators.plan().runs().get(1);
    Plan moved =
        new Plan(
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(new Route("RB", "OPA", "SCH1", false)),
            List.of(
                new Run(
                    runB.id(),
                    runB.routeId(),
                    runB.date(),
                    runB.direction(),
                    runB.arriveBy(),
                    Optional.of(TwoOperators.DRIVER_A),
                    Optional.empty(),
                    runB.stops())));

    importFromCommandLine(moved);

    JarProcess.await(
        "operator A's event for the moved run to be accepted",
        NOTICED_WITHIN,
        () ->
            server
                    .post(
                        "/api/v1/events",
                        operatorA,
                        started(TwoOperators.RUN_B, TwoOperators.DRIVER_A, Optional.empty()))
                    .statusCode()
                == 202);
  }

  @Test
  @DisplayName(
      "After its listening connection is cut, the server listens again and hears the next change")
  void listensAgainAfterConnectionLoss() throws Exception {
    List<Integer> before = listenerPids(server.database);
    assertThat(before).hasSize(1);
    try (Connection c = TestPostgres.connect(server.database);
        PreparedStatement s = c.prepareStatement("select pg_terminate_backend(?)")) {
      s.setInt(1, before.get(0));
      s.executeQuery().close();
    }
    JarProcess.await(
        "a new listening connection",
        NOTICED_WITHIN,
        () -> {
          List<Integer> now = listenerPids(server.database);
          return now.size() == 1 && !now.equals(before);
        });

    importFromCommandLine(TwoOperators.plan());

    awaitRunAStarted();
  }

  @Test
  @DisplayName("A stopped server leaves no listening connection open")
  void stoppedServerStopsListening() {
    assertThat(listenerPids(server.database)).hasSize(1);
    TestServer stopped = server;
    server = null;

    stopped.close();

    // A backend leaves pg_stat_activity just after its client has hung up.
    JarProcess.await(
        "the listening connection to be gone",
        Duration.ofSeconds(5),
        () -> listenerPids(stopped.database).isEmpty());
  }
}
