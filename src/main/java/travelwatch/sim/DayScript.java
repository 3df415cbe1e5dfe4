package travelwatch.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Crew;
import travelwatch.plan.Plan.CrewRole;
import travelwatch.plan.Plan.DbsOutcome;
import travelwatch.plan.Plan.HrClearance;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.Stop;

/**
 * A school day for a plan, as the operators' and the council's systems would report it: crews
 * assigned, runs started, a position every 15 s, pupils boarded, absent and dropped, arrivals, and
 * contact-centre calls, with faults injected at the rates the council saw. Plain Java and
 * reproducible: the same plan and seed give the same events, with the same eventIds.
 */
public final class DayScript {
  private static final double DETOUR = 1.3;

  /** Kinds of fault, and the alerts each must raise (and may also raise). */
  public enum FaultKind {
    CANCELLED(List.of("run.cancelled"), List.of()),
    LATE(List.of("run.late"), List.of("pupil.journey_too_long")),
    NOT_STARTED(List.of("run.not_started"), List.of()),
    UNCLEARED_DRIVER(List.of("crew.dbs_not_cleared", "crew.changed"), List.of()),
    GUIDE_CHANGED(List.of("crew.changed"), List.of()),
    GUIDE_MISSING(List.of("crew.guide_missing"), List.of()),
    WRONG_DROPOFF(List.of("pupil.wrong_dropoff"), List.of());

    public final List<String> expected;
    public final List<String> allowed;

    FaultKind(List<String> expected, List<String> allowed) {
      this.expected = expected;
      this.allowed = allowed;
    }
  }

  /**
   * One injected fault; {@code firstPickup} is when its run was due to begin, {@code arriveBy} when
   * it was due at its end.
   */
  public record Fault(
      FaultKind kind,
      String runId,
      String operatorId,
      String detail,
      Instant firstPickup,
      Instant arriveBy) {}

  /**
   * One event to send at simulated time {@code at}, by {@code sender} (an operator id or
   * "telephony").
   */
  public record Scripted(Instant at, String sender, Map<String, Object> event) {}

  public static final String TELEPHONY = "telephony";

  /**
   * The day: its events in time order, made as they are played ({@link #play()}) so a day of
   * thousands of routes is never held whole; what was injected; and the drivers who record their
   * runs with the crew app (driver id → operator id): their runs' events are sent with a device
   * token.
   */
  public static final class Script {
    private final DayScript day;
    private final List<RunCursor> runs;
    private final List<Pending> calls;
    private final List<Fault> faults;
    private final int callsOffered;
    private final int callsAnswered;
    private final int pupilsAbsent;
    private final Map<String, String> crewApp;
    private final int eventCount;
    private List<Scripted> all;

    private Script(
        DayScript day,
        List<RunCursor> runs,
        List<Pending> calls,
        List<Fault> faults,
        int[] callCounts,
        int pupilsAbsent,
        Map<String, String> crewApp,
        int eventCount) {
      this.day = day;
      this.runs = runs;
      this.calls = calls;
      this.faults = faults;
      this.callsOffered = callCounts[0];
      this.callsAnswered = callCounts[1];
      this.pupilsAbsent = pupilsAbsent;
      this.crewApp = crewApp;
      this.eventCount = eventCount;
    }

    /** The day's events in time order (ties in the order they were scripted), made as read. */
    public Iterator<Scripted> play() {
      return playback();
    }

    Playback playback() {
      return new Playback(day.generator(), runs, calls);
    }

    /** Every event at once, in time order: for small days and tests. */
    public synchronized List<Scripted> events() {
      if (all == null) {
        List<Scripted> list = new ArrayList<>(eventCount);
        play().forEachRemaining(list::add);
        all = List.copyOf(list);
      }
      return all;
    }

    public int eventCount() {
      return eventCount;
    }

    public List<Fault> faults() {
      return faults;
    }

    public int calls() {
      return callsOffered;
    }

    public int callsAnswered() {
      return callsAnswered;
    }

    public int pupilsAbsent() {
      return pupilsAbsent;
    }

    public Map<String, String> crewApp() {
      return crewApp;
    }
  }

  /** An event made and waiting its turn: {@code order} is its place in the script's making. */
  private record Pending(Instant at, long order, Scripted scripted) {}

  /**
   * One run, ready to be made again on demand: the random numbers it drew when the day was built,
   * the number of its first event, and when its next event not yet made is due.
   */
  private static final class RunCursor {
    final Run run;
    final Route route;
    final Fault fault;
    final boolean onPhone;
    final double[] draws;
    final int firstNumber;
    Instant nextAt;

    RunCursor(
        Run run,
        Route route,
        Fault fault,
        boolean onPhone,
        double[] draws,
        int firstNumber,
        Instant nextAt) {
      this.run = run;
      this.route = route;
      this.fault = fault;
      this.onPhone = onPhone;
      this.draws = draws;
      this.firstNumber = firstNumber;
      this.nextAt = nextAt;
    }
  }

  /**
   * How much of a run is made at a time: each time its next event is due, the run is made again
   * from its recorded draws and the events of the next five minutes are kept.
   */
  private static final Duration WINDOW = Duration.ofMinutes(5);

  /**
   * The day in time order: the runs, each made a window at a time when its next event comes due,
   * merged with the calls by time and then by the order the events were scripted in (as a stable
   * sort of the whole day would give).
   */
  static final class Playback implements Iterator<Scripted> {
    private final DayScript maker;
    private final PriorityQueue<Pending> pending =
        new PriorityQueue<>(Comparator.comparing(Pending::at).thenComparingLong(Pending::order));
    private final PriorityQueue<RunCursor> cursors =
        new PriorityQueue<>(Comparator.comparing((RunCursor c) -> c.nextAt));

    Playback(DayScript maker, List<RunCursor> runs, List<Pending> calls) {
      this.maker = maker;
      for (RunCursor c : runs) {
        cursors.add(
            new RunCursor(c.run, c.route, c.fault, c.onPhone, c.draws, c.firstNumber, c.nextAt));
      }
      pending.addAll(calls);
    }

    @Override
    public boolean hasNext() {
      return !pending.isEmpty() || !cursors.isEmpty();
    }

    /** Events made and not yet played: all the day holds at once. */
    int held() {
      return pending.size();
    }

    @Override
    public Scripted next() {
      while (!cursors.isEmpty()
          && (pending.isEmpty() || !cursors.peek().nextAt.isAfter(pending.peek().at()))) {
        RunCursor c = cursors.poll();
        c.nextAt = maker.window(c, pending);
        if (c.nextAt != null) {
          cursors.add(c);
        }
      }
      Pending p = pending.poll();
      if (p == null) {
        throw new NoSuchElementException();
      }
      return p.scripted();
    }
  }

  /** How many healthy runs' drivers use the crew app instead of their operator's system. */
  static final int CREW_APP_RUNS = 6;

  /** The sender of a driver's crew-app events. */
  public static String crewSender(String driverId) {
    return "crew:" + driverId;
  }

  private final Plan plan;
  private final LocalDate date;
  private final ZoneId zone;
  private final long seed;
  private final SplittableRandom random;
  private int counter;

  /** Where a run's random numbers come from: the day's generator while building, then replays. */
  private Draws draws;

  /** Where made events go. */
  private Sink sink;

  /** The making order of the event being made: its number, or after every run's, a call's. */
  private long order;

  private int callsMade;
  private int runEvents;

  public DayScript(Plan plan, LocalDate date, ZoneId zone, long seed) {
    this.plan = plan;
    this.date = date;
    this.zone = zone;
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  public Script build() {
    Map<String, Route> routes =
        plan.routes().stream().collect(Collectors.toMap(Route::id, Function.identity()));
    List<Run> runs =
        plan.runs().stream()
            .filter(r -> r.date().equals(date) && !r.stops().isEmpty())
            .sorted(Comparator.comparing(Run::id))
            .toList();
    Map<String, Fault> faults = chooseFaults(runs, routes);
    // A few healthy runs' drivers record them on their phones (the crew app's API).
    Map<String, String> crewApp = new LinkedHashMap<>();
    for (Run run : runs) {
      if (crewApp.size() < CREW_APP_RUNS
          && !faults.containsKey(run.id())
          && run.plannedDriverId().isPresent()) {
        crewApp.put(run.plannedDriverId().get(), routes.get(run.routeId()).operatorId());
      }
    }
    // Each run is made once here only to record its draws, count its events and find its first.
    int absent = 0;
    Recording recording = new Recording(random);
    draws = recording;
    List<RunCursor> cursors = new ArrayList<>();
    for (Run run : runs) {
      String driver = run.plannedDriverId().orElse(null);
      boolean onPhone =
          !faults.containsKey(run.id()) && driver != null && crewApp.containsKey(driver);
      int first = counter;
      Instant[] earliest = {null};
      sink =
          (at, sender, e) -> {
            if (earliest[0] == null || at.isBefore(earliest[0])) {
              earliest[0] = at;
            }
          };
      Route route = routes.get(run.routeId());
      Fault fault = faults.get(run.id());
      absent += run(run, route, fault, onPhone);
      double[] drawn = recording.take();
      if (earliest[0] != null) {
        cursors.add(new RunCursor(run, route, fault, onPhone, drawn, first, earliest[0]));
      }
    }
    runEvents = counter;
    List<Pending> calls = new ArrayList<>();
    sink = (at, sender, e) -> calls.add(pending(at, sender, e));
    int[] callCounts = calls();
    return new Script(
        this,
        List.copyOf(cursors),
        List.copyOf(calls),
        List.copyOf(faults.values()),
        callCounts,
        absent,
        Map.copyOf(crewApp),
        runEvents + calls.size());
  }

  /** A maker of runs' events for one playback, with its own state. */
  private DayScript generator() {
    return new DayScript(plan, date, zone, seed);
  }

  /**
   * Makes the run again from its draws and queues its events due in the window from its next one;
   * answers when the first event after that window is due, or null if there is none.
   */
  private Instant window(RunCursor c, PriorityQueue<Pending> into) {
    Instant from = c.nextAt;
    Instant to = from.plus(WINDOW);
    Instant[] after = {null};
    draws = new Replay(c.draws);
    counter = c.firstNumber;
    sink =
        (at, sender, e) -> {
          if (at.isBefore(from)) {
            return;
          }
          if (at.isBefore(to)) {
            into.add(pending(at, sender, e));
          } else if (after[0] == null || at.isBefore(after[0])) {
            after[0] = at;
          }
        };
    run(c.run, c.route, c.fault, c.onPhone);
    return after[0];
  }

  private Pending pending(Instant at, String sender, Event e) {
    e.put("occurredAt", travelwatch.platform.Rfc3339.format(at, zone));
    return new Pending(at, order, new Scripted(at, sender, e));
  }

  /** Random numbers for one run. */
  private interface Draws {
    int nextInt(int bound);

    double nextDouble();
  }

  /** The day's random numbers, each remembered so the run can be made again the same. */
  private static final class Recording implements Draws {
    private final SplittableRandom random;
    private double[] values = new double[32];
    private int size;

    Recording(SplittableRandom random) {
      this.random = random;
    }

    @Override
    public int nextInt(int bound) {
      int v = random.nextInt(bound);
      keep(v);
      return v;
    }

    @Override
    public double nextDouble() {
      double v = random.nextDouble();
      keep(v);
      return v;
    }

    private void keep(double v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    /** The numbers drawn since the last call. */
    double[] take() {
      double[] drawn = Arrays.copyOf(values, size);
      size = 0;
      return drawn;
    }
  }

  /** A run's recorded numbers, drawn again in the same order. */
  private static final class Replay implements Draws {
    private final double[] values;
    private int next;

    Replay(double[] values) {
      this.values = values;
    }

    @Override
    public int nextInt(int bound) {
      return (int) values[next++];
    }

    @Override
    public double nextDouble() {
      return values[next++];
    }
  }

  /** Receives each event as it is made. */
  private interface Sink {
    void accept(Instant at, String sender, Event e);
  }

  // ---- faults ----

  private Map<String, Fault> chooseFaults(List<Run> runs, Map<String, Route> routes) {
    Map<String, Fault> faults = new LinkedHashMap<>();
    int n = runs.size();
    List<Run> shuffled = new ArrayList<>(runs);
    for (int i = shuffled.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Run t = shuffled.get(i);
      shuffled.set(i, shuffled.get(j));
      shuffled.set(j, t);
    }
    String bigOperator = plan.operators().isEmpty() ? null : plan.operators().get(0).id();
    // Cancellations: ~0.4%, half of them from one operator, as in one bad period.
    int cancelled = Math.max(1, Math.round(n * 0.004f));
    pick(
        faults,
        shuffled,
        cancelled / 2 + cancelled % 2,
        r -> operatorOf(r, routes).equals(bigOperator),
        FaultKind.CANCELLED,
        r -> "operator cancelled the run",
        routes);
    pick(
        faults,
        shuffled,
        cancelled / 2,
        r -> true,
        FaultKind.CANCELLED,
        r -> "operator cancelled the run",
        routes);
    pick(
        faults,
        shuffled,
        Math.max(1, Math.round(n * 0.008f)),
        r -> true,
        FaultKind.LATE,
        r -> "held in traffic",
        routes);
    pick(
        faults,
        shuffled,
        Math.max(1, Math.round(n * 0.002f)),
        r -> true,
        FaultKind.NOT_STARTED,
        r -> "never started",
        routes);
    Map<String, List<Crew>> unclearedByOperator =
        plan.crew().stream()
            .filter(
                c ->
                    c.role() == CrewRole.DRIVER
                        && c.dbs().map(d -> d.outcome() == DbsOutcome.POSITIVE).orElse(false)
                        && c.hrClearance().orElse(null) != HrClearance.CLEARED)
            .collect(Collectors.groupingBy(Crew::operatorId));
    pick(
        faults,
        shuffled,
        1,
        r -> unclearedByOperator.containsKey(operatorOf(r, routes)),
        FaultKind.UNCLEARED_DRIVER,
        r -> unclearedByOperator.get(operatorOf(r, routes)).get(0).id(),
        routes);
    Map<String, List<Crew>> spareGuides = spareGuides();
    pick(
        faults,
        shuffled,
        Math.max(1, Math.round(n * 0.01f)),
        r ->
            routes.get(r.routeId()).requiresGuide()
                && spareGuides.containsKey(operatorOf(r, routes)),
        FaultKind.GUIDE_CHANGED,
        r -> spareGuides.get(operatorOf(r, routes)).get(0).id(),
        routes);
    pick(
        faults,
        shuffled,
        1,
        r -> routes.get(r.routeId()).requiresGuide(),
        FaultKind.GUIDE_MISSING,
        r -> "no guide",
        routes);
    pick(
        faults,
        shuffled,
        Math.max(1, Math.round(n * 0.001f)),
        r ->
            r.direction() == Plan.Direction.AM
                && r.stops().size() >= 3
                && !r.stops().get(0).pickups().isEmpty(),
        FaultKind.WRONG_DROPOFF,
        r -> r.stops().get(0).pickups().get(0),
        routes);
    return faults;
  }

  private void pick(
      Map<String, Fault> faults,
      List<Run> runs,
      int count,
      java.util.function.Predicate<Run> eligible,
      FaultKind kind,
      Function<Run, String> detail,
      Map<String, Route> routes) {
    int chosen = 0;
    for (Run r : runs) {
      if (chosen >= count) {
        return;
      }
      if (!faults.containsKey(r.id()) && eligible.test(r)) {
        faults.put(
            r.id(),
            new Fault(
                kind,
                r.id(),
                operatorOf(r, routes),
                detail.apply(r),
                planned(r.stops().get(0)),
                at(r.arriveBy())));
        chosen++;
      }
    }
  }

  /** Compliant guides of each operator who are on no route: cover for a guide change. */
  private Map<String, List<Crew>> spareGuides() {
    Set<String> planned = new HashSet<>();
    plan.runs()
        .forEach(
            r -> {
              r.plannedDriverId().ifPresent(planned::add);
              r.plannedGuideId().ifPresent(planned::add);
            });
    return plan.crew().stream()
        .filter(
            c ->
                c.role() == CrewRole.GUIDE
                    && !planned.contains(c.id())
                    && c.dbs()
                        .map(
                            d ->
                                d.outcome() == DbsOutcome.CLEAR
                                    && d.barredListChecked()
                                    && (d.updateService()
                                        || d.issuedOn().plusYears(3).isAfter(date)))
                        .orElse(false))
        .collect(Collectors.groupingBy(Crew::operatorId, TreeMap::new, Collectors.toList()));
  }

  private static String operatorOf(Run r, Map<String, Route> routes) {
    return routes.get(r.routeId()).operatorId();
  }

  // ---- one run ----

  private Instant at(LocalTime t) {
    return date.atTime(t).atZone(zone).toInstant();
  }

  private int run(Run run, Route route, Fault fault, boolean onPhone) {
    String office = route.operatorId();
    // The office assigns the crew; on a crew-app run, the driver's phone records the journey.
    String op = onPhone ? crewSender(run.plannedDriverId().orElseThrow()) : office;
    FaultKind kind = fault == null ? null : fault.kind();
    boolean am = run.direction() == Plan.Direction.AM;
    Instant dayStart = at(am ? LocalTime.of(6, 30) : LocalTime.of(13, 0));
    if (kind == FaultKind.CANCELLED) {
      emit(
          dayStart.plusSeconds(300 + draws.nextInt(900)),
          op,
          event("run.cancelled", run.id()).with("reason", "no driver available"));
      return 0;
    }
    if (kind == FaultKind.NOT_STARTED) {
      return 0;
    }
    String driver = run.plannedDriverId().orElse(null);
    String guide = run.plannedGuideId().orElse(null);
    if (kind == FaultKind.UNCLEARED_DRIVER) {
      driver = fault.detail();
    } else if (kind == FaultKind.GUIDE_CHANGED) {
      guide = fault.detail();
    } else if (kind == FaultKind.GUIDE_MISSING) {
      guide = null;
    }
    String vehicle =
        "BX"
            + (10 + draws.nextInt(60))
            + " "
            + (char) ('A' + draws.nextInt(26))
            + (char) ('A' + draws.nextInt(26))
            + (char) ('A' + draws.nextInt(26));
    Instant assigned = dayStart.plusSeconds(draws.nextInt(1800));
    emit(
        assigned,
        office,
        crew("crew.assigned", run.id(), driver, guide).with("vehicleReg", vehicle));

    // Pupils reported absent early in the morning (about 3%).
    Set<String> absent = new HashSet<>();
    for (Stop s : run.stops()) {
      for (String p : s.pickups()) {
        if (draws.nextDouble() < 0.03
            && !(kind == FaultKind.WRONG_DROPOFF && p.equals(fault.detail()))) {
          absent.add(p);
          emit(
              dayStart.plusSeconds(draws.nextInt(1200)),
              op,
              event("pupil.absent", run.id()).with("pupilId", p).with("reason", "unwell"));
        }
      }
    }

    List<Stop> stops = run.stops();
    Instant firstPickup = date.atTime(stops.get(0).plannedTime()).atZone(zone).toInstant();
    // 12 to 16 minutes before the first pickup: at least two simulated minutes before the
    // not-started line (10 minutes), so on a fast clock a healthy run's start is not late.
    Instant started = firstPickup.minusSeconds(720 + draws.nextInt(240));
    emit(
        started,
        op,
        crew("run.started", run.id(), driver, guide)
            .with("vehicleReg", vehicle)
            .with("lat", stops.get(0).lat())
            .with("lon", stops.get(0).lon()));
    Duration hold =
        kind == FaultKind.LATE ? Duration.ofMinutes(18 + draws.nextInt(8)) : Duration.ZERO;

    // Drive: arrive at each stop at its planned time (later by any hold), a minute there, then on.
    Instant t = started;
    double lat = stops.get(0).lat();
    double lon = stops.get(0).lon();
    Duration shift = Duration.ZERO;
    for (int i = 0; i < stops.size(); i++) {
      Stop stop = stops.get(i);
      if (i > 0) {
        Instant depart = planned(stops.get(i - 1)).plus(shift).plusSeconds(60);
        t = positions(op, run.id(), t, depart, lat, lon, lat, lon);
        if (i == 1 && !hold.isZero()) {
          // Held in traffic just after the first stop: crawling, then stopped.
          double mlat = lat + (stop.lat() - lat) * 0.1;
          double mlon = lon + (stop.lon() - lon) * 0.1;
          t = positions(op, run.id(), t, depart.plus(hold), lat, lon, mlat, mlon);
          lat = mlat;
          lon = mlon;
          shift = shift.plus(hold);
        }
      }
      Instant arrive = planned(stop).plus(shift);
      t = positions(op, run.id(), t, arrive, lat, lon, stop.lat(), stop.lon());
      lat = stop.lat();
      lon = stop.lon();
      for (String p : stop.pickups()) {
        if (!absent.contains(p)) {
          emit(
              arrive.plusSeconds(20),
              op,
              event("pupil.boarded", run.id()).with("pupilId", p).with("stopId", stop.id()));
        }
      }
      for (String p : stop.dropoffs()) {
        if (!absent.contains(p) && !(kind == FaultKind.WRONG_DROPOFF && p.equals(fault.detail()))) {
          emit(
              arrive.plusSeconds(30),
              op,
              event("pupil.dropped", run.id()).with("pupilId", p).with("stopId", stop.id()));
        }
      }
      if (kind == FaultKind.WRONG_DROPOFF && i == 1) {
        emit(
            arrive.plusSeconds(30),
            op,
            event("pupil.dropped", run.id())
                .with("pupilId", fault.detail())
                .with("stopId", stop.id()));
      }
      if (i == stops.size() - 1) {
        emit(arrive.plusSeconds(10), op, event("run.arrived", run.id()).with("stopId", stop.id()));
        emit(arrive.plusSeconds(240), op, event("run.completed", run.id()));
      }
    }
    return absent.size();
  }

  private Instant planned(Stop stop) {
    return date.atTime(stop.plannedTime()).atZone(zone).toInstant();
  }

  /** A position every 15 s from {@code from} until {@code until}, moving in a straight line. */
  private Instant positions(
      String op,
      String runId,
      Instant from,
      Instant until,
      double lat0,
      double lon0,
      double lat1,
      double lon1) {
    long total = Math.max(1, Duration.between(from, until).getSeconds());
    double metres = travelwatch.monitor.Geo.metres(lat0, lon0, lat1, lon1);
    double speed = metres == 0 ? 0 : Math.min(80, metres * DETOUR / total * 3.6);
    Instant t = from.plusSeconds(15);
    while (t.isBefore(until)) {
      double f = Duration.between(from, t).getSeconds() / (double) total;
      emit(
          t,
          op,
          event("vehicle.position", runId)
              .with("lat", round(lat0 + (lat1 - lat0) * f))
              .with("lon", round(lon0 + (lon1 - lon0) * f))
              .with("speedKph", Math.round(speed * 10) / 10.0));
      t = t.plusSeconds(15);
    }
    return t.minusSeconds(15);
  }

  // ---- calls ----

  /** About 120 calls a day, busiest 8–9 am and 3–4 pm, about 93% answered. */
  private int[] calls() {
    int n = 100 + random.nextInt(41);
    int answered = 0;
    for (int i = 0; i < n; i++) {
      double r = random.nextDouble();
      LocalTime when;
      if (r < 0.3) {
        when = LocalTime.of(8, 0).plusSeconds(random.nextInt(3600));
      } else if (r < 0.55) {
        when = LocalTime.of(15, 0).plusSeconds(random.nextInt(3600));
      } else {
        when = LocalTime.of(7, 0).plusSeconds(random.nextInt(10 * 3600));
      }
      String id = "CALL-" + seed + "-" + date + "-" + i;
      Instant offered = at(when);
      emit(offered, TELEPHONY, call("call.offered", id));
      if (random.nextDouble() < 0.93) {
        answered++;
        emit(offered.plusSeconds(10 + random.nextInt(230)), TELEPHONY, call("call.answered", id));
      } else {
        emit(offered.plusSeconds(30 + random.nextInt(150)), TELEPHONY, call("call.abandoned", id));
      }
    }
    return new int[] {n, answered};
  }

  // ---- building events ----

  /** A fluent map, kept in insertion order. */
  private static final class Event extends LinkedHashMap<String, Object> {
    Event with(String key, Object value) {
      if (value != null) {
        put(key, value);
      }
      return this;
    }
  }

  private Event event(String type, String runId) {
    Event e = new Event();
    e.put("eventId", "sim-" + seed + "-" + runId + "-" + (++counter));
    order = counter;
    e.put("type", type);
    e.put("runId", runId);
    return e;
  }

  private Event crew(String type, String runId, String driver, String guide) {
    return event(type, runId).with("driverId", driver).with("guideId", guide);
  }

  private Event call(String type, String callId) {
    Event e = new Event();
    e.put("eventId", "sim-" + seed + "-" + callId + "-" + type);
    order = (long) runEvents + ++callsMade;
    e.put("type", type);
    e.put("callId", callId);
    e.put("queue", "transport");
    return e;
  }

  private void emit(Instant at, String sender, Event e) {
    sink.accept(at, sender, e);
  }

  private static double round(double d) {
    return Math.round(d * 1e5) / 1e5;
  }
}
