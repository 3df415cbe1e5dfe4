package travelwatch.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import travelwatch.access.Scope;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.Operator;
import travelwatch.plan.Plan.Phase;
import travelwatch.plan.Plan.Pupil;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.School;
import travelwatch.plan.Plan.Stop;
import travelwatch.plan.PlanJson;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;

/**
 * Hand-built weeks with known answers, put in through the API as the operators, telephony and case
 * work systems would send them (alerts straight into their table).
 *
 * <p>Week ending Fri 12 June 2026 (Sat 6 – Fri 12, BST). Operator OPA runs route RA (pupils P1,
 * P2), OPB runs RB (P3, P4); every run's arriveBy is 08:40 local.
 *
 * <ul>
 *   <li>R1 Mon 8: started (twice, two eventIds), arrived 08:30 — on time although a drop-off came
 *       at 08:50; P1 boarded (twice), P2 boarded.
 *   <li>R2 Tue 9: started, arrived 09:00 — late; P1 boarded, P2 absent.
 *   <li>R3 Wed 10: cancelled, never started; P1, P2 expected and not transported.
 *   <li>R8 Wed 10 (OPB): started, no arrival; drop-offs 08:30 and 08:45 — late by the last. P3, P4
 *       boarded.
 *   <li>R4 Thu 11: started, no arrival, last drop-off 08:35 — on time. P3 boarded, P4 not
 *       transported (neither boarded nor absent).
 *   <li>R5 Fri 12: nothing sent — planned, not delivered, its pupils not counted.
 *   <li>R6 Fri 12 PM: started then cancelled — cancelled; P3 boarded.
 *   <li>R0 Fri 5 (week before) and R7 Mon 15 (week after): started, not in the week.
 * </ul>
 *
 * So: planned 7, delivered 4 (R1 R2 R4 R8), cancelled 2, on time 2 (R1 R4); pupil-journeys 11,
 * absent 1, expected 10, transported 7. Calls: C4 (Sat 6) answered, C1 answered, C2 abandoned, C3
 * answered twice; C5 (Fri 5 23:30 BST) and C6 (Sat 13 00:30 BST) outside: 3 of 4. Safeguarding: 3
 * of 5 alerts (one raised at 00:30 BST on Sat 6, one at 00:30 on Sat 13 is out).
 *
 * <p>Case work (bank holidays Mon 4 May and Mon 25 May): applications A bus pass 24 Apr (due 26
 * May), B bus pass 29 Apr (due 29 May), C bus pass 30 Apr (due 1 Jun), D transport 20 Apr decided
 * 20 May, E transport 21 Apr (due 20 May) decided 1 Jun, F transport 27 May. Complaints CMP0 1 May
 * unanswered (due 2 Jun), CMP3 5 May answered 20 May, CMP4 14 May (due 12 Jun), CMP5 15 May (due 15
 * Jun), CMP1 8 Jun, CMP2 10 Jun (sent twice).
 *
 * <p>Week ending Fri 30 Oct 2026 (clocks went back Sun 25 Oct): RC2 Mon 26 arrived 08:35 GMT, on
 * time; RC1 Fri 23 Oct (week before, BST) arrived 09:00 BST (08:00Z), late.
 *
 * <p>Week ending Fri 3 July 2026: one run, RR1 on Mon 29 June, for recomputing after late data.
 */
final class KpiWeeks {
  static final LocalDate WEEK = LocalDate.of(2026, 6, 12);
  static final LocalDate CLOCK_CHANGE_WEEK = LocalDate.of(2026, 10, 30);
  static final LocalDate RECOMPUTE_WEEK = LocalDate.of(2026, 7, 3);

  private static final AtomicInteger ALERTS = new AtomicInteger();

  private KpiWeeks() {}

  static Plan plan() {
    List<Run> runs = new ArrayList<>();
    runs.add(run("R0", "RA", "2026-06-05", Direction.AM, "P1", "P2"));
    runs.add(run("R1", "RA", "2026-06-08", Direction.AM, "P1", "P2"));
    runs.add(run("R2", "RA", "2026-06-09", Direction.AM, "P1", "P2"));
    runs.add(run("R3", "RA", "2026-06-10", Direction.AM, "P1", "P2"));
    runs.add(run("R8", "RB", "2026-06-10", Direction.AM, "P3", "P4"));
    runs.add(run("R4", "RB", "2026-06-11", Direction.AM, "P3", "P4"));
    runs.add(run("R5", "RB", "2026-06-12", Direction.AM, "P3", "P4"));
    runs.add(run("R6", "RB", "2026-06-12", Direction.PM, "P3"));
    runs.add(run("R7", "RA", "2026-06-15", Direction.AM, "P1", "P2"));
    runs.add(run("RC1", "RA", "2026-10-23", Direction.AM, "P1"));
    runs.add(run("RC2", "RA", "2026-10-26", Direction.AM, "P1"));
    runs.add(run("RR1", "RA", "2026-06-29", Direction.AM, "P1"));
    return new Plan(
        List.of(
            new Operator("OPA", "Oakfield Travel", "ops@a.example"),
            new Operator("OPB", "Brookvale Cars", "ops@b.example")),
        List.of(
            new School(
                "SCH1",
                "Hillcrest School",
                52.48,
                -1.89,
                LocalTime.of(8, 50),
                LocalTime.of(15, 10),
                Phase.SPECIAL)),
        List.of(pupil("P1"), pupil("P2"), pupil("P3"), pupil("P4")),
        List.of(),
        List.of(new Route("RA", "OPA", "SCH1", false), new Route("RB", "OPB", "SCH1", false)),
        runs);
  }

  private static Pupil pupil(String id) {
    return new Pupil(id, "SCH1", Optional.empty());
  }

  private static Run run(
      String id, String route, String date, Direction direction, String... pupils) {
    boolean am = direction == Direction.AM;
    return new Run(
        id,
        route,
        LocalDate.parse(date),
        direction,
        am ? LocalTime.of(8, 40) : LocalTime.of(16, 0),
        Optional.empty(),
        Optional.empty(),
        List.of(
            new Stop("H1", 1, 52.50, -1.90, LocalTime.of(8, 0), List.of(pupils), List.of()),
            new Stop("SCH1", 2, 52.48, -1.89, LocalTime.of(8, 35), List.of(), List.of(pupils))));
  }

  /**
   * How far ahead of a test's fixed clock these weeks' events may be (June to October), since they
   * are loaded at once while the clock stands where the test reads the figures.
   */
  static final String AHEAD = String.valueOf(200 * 86_400);

  /** Loads the plan and every event and alert above into the server's fresh database. */
  static void load(TestServer server) {
    String admin = server.scopeKey(Scope.ADMIN);
    var planned = server.post("/api/v1/plan", admin, PlanJson.write(plan()));
    assertThat(planned.statusCode()).as(planned.bodyAsString()).isEqualTo(200);
    String opa = server.operatorKey("OPA");
    String opb = server.operatorKey("OPB");

    post(
        server,
        opa,
        started("R0", "2026-06-05T07:00:00Z"),
        arrived("R0", "2026-06-05T07:30:00Z"),
        boarded("R0", "P1", "2026-06-05T07:05:00Z"),
        boarded("R0", "P2", "2026-06-05T07:06:00Z"),
        // R1: on time by its arrival; a retried start and boarding under new eventIds.
        started("R1", "2026-06-08T07:00:00+01:00"),
        started("R1", "2026-06-08T07:00:30+01:00"),
        boarded("R1", "P1", "2026-06-08T07:05:00+01:00"),
        boarded("R1", "P1", "2026-06-08T07:05:10+01:00"),
        boarded("R1", "P2", "2026-06-08T07:10:00+01:00"),
        arrived("R1", "2026-06-08T08:30:00+01:00"),
        dropped("R1", "P1", "2026-06-08T08:50:00+01:00"),
        // R2: late.
        started("R2", "2026-06-09T07:00:00+01:00"),
        boarded("R2", "P1", "2026-06-09T07:05:00+01:00"),
        absent("R2", "P2", "2026-06-09T07:10:00+01:00"),
        arrived("R2", "2026-06-09T09:00:00+01:00"),
        // R3: cancelled before it started.
        cancelled("R3", "2026-06-10T06:30:00+01:00"),
        started("R7", "2026-06-15T07:00:00+01:00"));
    post(
        server,
        opb,
        // R8: late by its last drop-off.
        started("R8", "2026-06-10T07:00:00+01:00"),
        boarded("R8", "P3", "2026-06-10T07:05:00+01:00"),
        boarded("R8", "P4", "2026-06-10T07:10:00+01:00"),
        dropped("R8", "P3", "2026-06-10T08:30:00+01:00"),
        dropped("R8", "P4", "2026-06-10T08:45:00+01:00"),
        // R4: on time by its last drop-off; P4 not transported.
        started("R4", "2026-06-11T07:00:00+01:00"),
        boarded("R4", "P3", "2026-06-11T07:05:00+01:00"),
        dropped("R4", "P3", "2026-06-11T08:35:00+01:00"),
        // R6: started, then cancelled.
        started("R6", "2026-06-12T15:00:00+01:00"),
        boarded("R6", "P3", "2026-06-12T15:05:00+01:00"),
        cancelled("R6", "2026-06-12T15:20:00+01:00"));

    String telephony = server.scopeKey(Scope.TELEPHONY);
    post(
        server,
        telephony,
        call("call.offered", "C4", "2026-06-06T10:00:00+01:00"),
        call("call.answered", "C4", "2026-06-06T10:00:20+01:00"),
        call("call.offered", "C1", "2026-06-08T09:00:00+01:00"),
        call("call.answered", "C1", "2026-06-08T09:00:40+01:00"),
        call("call.offered", "C2", "2026-06-09T09:00:00+01:00"),
        call("call.abandoned", "C2", "2026-06-09T09:03:00+01:00"),
        call("call.offered", "C3", "2026-06-10T09:00:00+01:00"),
        call("call.answered", "C3", "2026-06-10T09:00:30+01:00"),
        call("call.answered", "C3", "2026-06-10T09:00:31+01:00"),
        call("call.offered", "C5", "2026-06-05T23:30:00+01:00"),
        call("call.answered", "C5", "2026-06-05T23:30:30+01:00"),
        call("call.offered", "C6", "2026-06-12T23:30:00Z"),
        call("call.abandoned", "C6", "2026-06-12T23:35:00Z"),
        // Around the October clock change: the week is Sat 24 Oct 00:00 BST to Fri 30 Oct 24:00
        // GMT.
        call("call.offered", "K1", "2026-10-23T23:30:00Z"),
        call("call.answered", "K1", "2026-10-23T23:31:00Z"),
        call("call.offered", "K2", "2026-10-23T22:30:00Z"),
        call("call.offered", "K3", "2026-10-30T23:30:00Z"),
        call("call.abandoned", "K3", "2026-10-30T23:32:00Z"),
        call("call.offered", "K4", "2026-10-31T00:30:00Z"));

    String casework = server.scopeKey(Scope.CASEWORK);
    post(
        server,
        casework,
        application("APP-A", "bus_pass", "2026-04-24"),
        application("APP-A", "bus_pass", "2026-04-24"),
        application("APP-B", "bus_pass", "2026-04-29"),
        application("APP-C", "bus_pass", "2026-04-30"),
        application("APP-D", "transport", "2026-04-20"),
        decided("APP-D", "2026-05-20"),
        application("APP-E", "transport", "2026-04-21"),
        decided("APP-E", "2026-06-01"),
        application("APP-F", "transport", "2026-05-27"),
        complaint("complaint.received", "CMP0", "2026-05-01"),
        complaint("complaint.received", "CMP3", "2026-05-05"),
        complaint("complaint.responded", "CMP3", "2026-05-20"),
        complaint("complaint.received", "CMP4", "2026-05-14"),
        complaint("complaint.received", "CMP5", "2026-05-15"),
        complaint("complaint.received", "CMP1", "2026-06-08"),
        complaint("complaint.received", "CMP2", "2026-06-10"),
        complaint("complaint.received", "CMP2", "2026-06-10"));

    post(
        server,
        opa,
        started("RC1", "2026-10-23T07:00:00+01:00"),
        arrived("RC1", "2026-10-23T08:00:00Z"),
        started("RC2", "2026-10-26T07:00:00Z"),
        arrived("RC2", "2026-10-26T08:35:00Z"));

    alert(server, "incident.safeguarding", "2026-06-08T10:00:00Z");
    alert(server, "pupil.wrong_dropoff", "2026-06-11T15:00:00Z");
    alert(server, "pupil.wrong_dropoff", "2026-06-05T23:30:00Z");
    alert(server, "run.late", "2026-06-09T08:10:00Z");
    alert(server, "incident.safeguarding", "2026-06-12T23:30:00Z");
    alert(server, "incident.safeguarding", "2026-10-30T23:30:00Z");
    alert(server, "incident.safeguarding", "2026-10-23T23:30:00Z");
    alert(server, "incident.safeguarding", "2026-10-23T22:59:00Z");
  }

  static void post(TestServer server, String key, JsonObject... events) {
    var request =
        server.client.post("/api/v1/events").putHeader("Content-Type", "application/json");
    request.putHeader("Authorization", "Bearer " + key);
    var response = request.sendBuffer(new JsonArray(List.of((Object[]) events)).toBuffer()).await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    // The figures are computed from what is committed: wait until every event can be read.
    String ids =
        Stream.of(events)
            .map(e -> "'" + e.getString("eventId") + "'")
            .collect(Collectors.joining(","));
    JarProcess.await(
        "the events to be readable",
        Duration.ofSeconds(10),
        () ->
            TestPostgres.count(
                    server.database, "select count(*) from event where event_id in (" + ids + ")")
                == events.length);
  }

  static JsonObject started(String run, String at) {
    return Events.event("run.started", at).put("runId", run);
  }

  static JsonObject arrived(String run, String at) {
    return Events.event("run.arrived", at).put("runId", run);
  }

  static JsonObject cancelled(String run, String at) {
    return Events.event("run.cancelled", at).put("runId", run).put("reason", "no driver");
  }

  static JsonObject boarded(String run, String pupil, String at) {
    return Events.event("pupil.boarded", at).put("runId", run).put("pupilId", pupil);
  }

  static JsonObject absent(String run, String pupil, String at) {
    return Events.event("pupil.absent", at).put("runId", run).put("pupilId", pupil);
  }

  static JsonObject dropped(String run, String pupil, String at) {
    return Events.event("pupil.dropped", at)
        .put("runId", run)
        .put("pupilId", pupil)
        .put("stopId", "SCH1");
  }

  static JsonObject call(String type, String callId, String at) {
    return Events.event(type, at).put("callId", callId);
  }

  static JsonObject application(String id, String kind, String receivedOn) {
    return Events.event("application.received", receivedOn + "T10:00:00+01:00")
        .put("applicationId", id)
        .put("kind", kind)
        .put("receivedOn", receivedOn);
  }

  static JsonObject decided(String id, String decidedOn) {
    return Events.event("application.decided", decidedOn + "T15:00:00+01:00")
        .put("applicationId", id)
        .put("decidedOn", decidedOn);
  }

  static JsonObject complaint(String type, String id, String on) {
    return Events.event(type, on + "T11:00:00+01:00").put("complaintId", id).put("on", on);
  }

  static void alert(TestServer server, String type, String raisedAt) {
    Instant at = Instant.parse(raisedAt);
    try (Connection c = TestPostgres.connect(server.database);
        PreparedStatement s =
            c.prepareStatement(
                """
                insert into alert (dedup_key, type, severity, state, service_date, summary,
                                   raised_at, last_seen_at)
                values (?, ?, 'critical', 'open', ?, 'test alert', ?, ?)
                """)) {
      s.setString(1, type + ":" + ALERTS.incrementAndGet());
      s.setString(2, type);
      s.setObject(3, at.atZone(java.time.ZoneId.of("Europe/London")).toLocalDate());
      s.setTimestamp(4, Timestamp.from(at));
      s.setTimestamp(5, Timestamp.from(at));
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
