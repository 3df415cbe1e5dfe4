package travelwatch.plan;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import travelwatch.plan.Plan.Badge;
import travelwatch.plan.Plan.Crew;
import travelwatch.plan.Plan.CrewRole;
import travelwatch.plan.Plan.DbsCheck;
import travelwatch.plan.Plan.DbsOutcome;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.HrClearance;
import travelwatch.plan.Plan.Operator;
import travelwatch.plan.Plan.Phase;
import travelwatch.plan.Plan.Pupil;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.School;
import travelwatch.plan.Plan.Stop;

/**
 * A realistic synthetic plan at any scale; by default Birmingham's: about 1,050 routes run AM and
 * PM, ~3,500 pupils across ~100 schools, ~60 operators with their drivers and guides. The same seed
 * gives the same plan.
 *
 * <p>Crew planned onto runs are compliant (a few positive DBS cleared by HR, some badges near
 * expiry); every operator also has spare crew, among them the rare problem cases (a positive DBS
 * not cleared, an out-of-date DBS, an expired badge) that the simulator can put on a run.
 */
public final class PlanGenerator {
  private static final double CITY_LAT = 52.4862;
  private static final double CITY_LON = -1.8904;
  private static final double SPEED_KPH = 25;
  private static final double DETOUR = 1.3;
  private static final String[] PLACES = {
    "Oakfield",
    "Hillcrest",
    "Brookvale",
    "Kingsbury",
    "Ashfield",
    "Selly Park",
    "Hall Green",
    "Moseley",
    "Erdington",
    "Handsworth",
    "Yardley",
    "Northfield",
    "Edgbaston",
    "Castle Vale",
    "Shard End",
    "Kings Norton",
    "Weoley",
    "Perry Beeches",
    "Harborne",
    "Acocks Green",
    "Bordesley",
    "Sparkhill",
    "Stechford",
    "Quinton",
    "Longbridge",
    "Bartley Green",
    "Aston",
    "Nechells",
    "Ladywood",
    "Tyburn"
  };
  private static final String[] KINDS = {
    "School", "Academy", "Primary School", "Specialist College", "Community School"
  };
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  private final SplittableRandom random;
  private final int routeCount;
  private final List<LocalDate> dates;
  private final String council;

  public PlanGenerator(long seed, int routeCount, List<LocalDate> dates) {
    this(seed, routeCount, dates, "");
  }

  private PlanGenerator(long seed, int routeCount, List<LocalDate> dates, String council) {
    this.random = new SplittableRandom(seed);
    this.routeCount = routeCount;
    this.dates = List.copyOf(dates);
    this.council = council;
  }

  /**
   * {@code councils} councils of {@code routesEach} routes as one plan, each with its own
   * operators, schools, pupils, crew and routes. The first council is exactly the single plan of
   * this seed; council k after it has its own seed and every id prefixed {@code Ck-}, so none is
   * shared.
   */
  public static Plan councils(long seed, int councils, int routesEach, List<LocalDate> dates) {
    List<Plan> parts = new ArrayList<>();
    for (int k = 1; k <= councils; k++) {
      parts.add(
          k == 1
              ? new PlanGenerator(seed, routesEach, dates).generate()
              : new PlanGenerator(seed + 7919L * (k - 1), routesEach, dates, "C" + k + "-")
                  .generate());
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    List<Operator> operators = new ArrayList<>();
    List<School> schools = new ArrayList<>();
    List<Pupil> pupils = new ArrayList<>();
    List<Crew> crew = new ArrayList<>();
    List<Route> routes = new ArrayList<>();
    List<Run> runs = new ArrayList<>();
    for (Plan p : parts) {
      operators.addAll(p.operators());
      schools.addAll(p.schools());
      pupils.addAll(p.pupils());
      crew.addAll(p.crew());
      routes.addAll(p.routes());
      runs.addAll(p.runs());
    }
    return new Plan(operators, schools, pupils, crew, routes, runs);
  }

  /** School days from {@code first}: weekends are skipped. */
  public static List<LocalDate> schoolDays(LocalDate first, int count) {
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = first; days.size() < count; d = d.plusDays(1)) {
      if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
        days.add(d);
      }
    }
    return days;
  }

  public Plan generate() {
    int operatorCount = Math.max(2, Math.round(routeCount / 17.5f));
    int schoolCount = Math.max(1, Math.round(routeCount / 10.5f));

    List<Operator> operators = new ArrayList<>();
    double[] weights = new double[operatorCount];
    for (int i = 0; i < operatorCount; i++) {
      String id = council + String.format("OP%03d", i + 1);
      String place = PLACES[i % PLACES.length];
      operators.add(
          new Operator(
              id,
              place + " Travel " + (i + 1) + " Ltd",
              "control@" + id.toLowerCase() + ".example"));
      // One operator carries about an eighth of the routes, as the largest did in the city.
      weights[i] = i == 0 ? operatorCount * 0.14 : 0.5 + random.nextDouble();
    }

    List<School> schools = new ArrayList<>();
    for (int i = 0; i < schoolCount; i++) {
      Phase phase =
          pick(new Phase[] {Phase.PRIMARY, Phase.SECONDARY, Phase.SPECIAL, Phase.SPECIAL});
      LocalTime start = LocalTime.of(8, 30).plusMinutes(5L * random.nextInt(7));
      LocalTime finish = LocalTime.of(15, 0).plusMinutes(5L * random.nextInt(7));
      schools.add(
          new School(
              council + String.format("SCH%03d", i + 1),
              PLACES[random.nextInt(PLACES.length)] + " " + KINDS[random.nextInt(KINDS.length)],
              round(CITY_LAT + (random.nextDouble() - 0.5) * 0.2),
              round(CITY_LON + (random.nextDouble() - 0.5) * 0.34),
              start,
              finish,
              phase));
    }

    List<Pupil> pupils = new ArrayList<>();
    List<Crew> crew = new ArrayList<>();
    List<Route> routes = new ArrayList<>();
    List<RouteShape> shapes = new ArrayList<>();
    Set<String> pupilIds = new HashSet<>();
    int[] crewPerOperator = new int[operatorCount];

    for (int i = 0; i < routeCount; i++) {
      int op = weighted(weights);
      Operator operator = operators.get(op);
      School school = schools.get(random.nextInt(schoolCount));
      boolean requiresGuide = random.nextDouble() < 0.4;
      String routeId = council + String.format("RT%04d", i + 1);
      routes.add(new Route(routeId, operator.id(), school.id(), requiresGuide));

      Crew driver = compliantCrew(operator.id(), CrewRole.DRIVER, ++crewPerOperator[op]);
      crew.add(driver);
      Crew guide = null;
      if (requiresGuide) {
        guide = compliantCrew(operator.id(), CrewRole.GUIDE, ++crewPerOperator[op]);
        crew.add(guide);
      }

      int pupilCount =
          1 + random.nextInt(3) + random.nextInt(3) + (random.nextDouble() < 0.2 ? 2 : 0);
      int homeStops = Math.min(pupilCount, 1 + random.nextInt(5));
      List<HomeStop> homes = new ArrayList<>();
      // Homes lie in a corridor out from the school, so a route works its way in along it.
      double corridor = random.nextDouble() * 2 * Math.PI;
      for (int h = 0; h < homeStops; h++) {
        HomeStop home;
        int tries = 0;
        do { // separate stops, at least 400 m apart
          double distanceKm = 1.5 + random.nextDouble() * 4.5;
          double bearing = corridor + (random.nextDouble() - 0.5) * 0.6;
          home =
              new HomeStop(
                  "H" + (h + 1),
                  round(school.lat() + distanceKm / 111.0 * Math.cos(bearing)),
                  round(school.lon() + distanceKm / 68.0 * Math.sin(bearing)),
                  new ArrayList<>());
        } while (tooClose(home, homes) && ++tries < 50);
        homes.add(home);
      }
      for (int p = 0; p < pupilCount; p++) {
        String pupilId = pupilId(pupilIds);
        Optional<Integer> limit =
            random.nextDouble() < 0.05 ? Optional.of(50 + 5 * random.nextInt(6)) : Optional.empty();
        pupils.add(new Pupil(pupilId, school.id(), limit));
        homes.get(p % homeStops).pupils().add(pupilId);
      }
      homes.forEach(h -> h.pupils().sort(Comparator.naturalOrder()));
      // Visit the farthest home first so the vehicle works its way in towards the school.
      homes.sort(
          Comparator.comparingDouble(
              (HomeStop h) -> -distanceKm(h.lat(), h.lon(), school.lat(), school.lon())));
      homes = withinJourneyLimit(pickedUpOnTheWay(withinJourneyLimit(homes, school)), school);
      shapes.add(
          new RouteShape(routeId, school, driver.id(), guide == null ? null : guide.id(), homes));
    }

    for (int op = 0; op < operatorCount; op++) {
      String operatorId = operators.get(op).id();
      int spares = Math.max(2, crewPerOperator[op] / 8);
      for (int s = 0; s < spares; s++) {
        CrewRole role = s % 3 == 2 ? CrewRole.GUIDE : CrewRole.DRIVER;
        Crew spare = compliantCrew(operatorId, role, ++crewPerOperator[op]);
        crew.add(s == 0 && op % 4 == 0 ? problemCrew(spare, op / 4) : spare);
      }
    }

    List<Run> runs = new ArrayList<>();
    for (LocalDate date : dates) {
      for (RouteShape shape : shapes) {
        runs.add(amRun(shape, date));
        runs.add(pmRun(shape, date));
      }
    }
    return new Plan(operators, schools, pupils, crew, routes, runs);
  }

  /** The longest planned journey, kept well inside the shortest default limit (45 min). */
  private static final long MAX_PLANNED_JOURNEY_MINUTES = 35;

  /** Pulls the homes in towards the school until the whole route fits the planned journey limit. */
  private static List<HomeStop> withinJourneyLimit(List<HomeStop> homes, School school) {
    List<HomeStop> fitted = homes;
    while (journeyMinutes(fitted, school) > MAX_PLANNED_JOURNEY_MINUTES) {
      List<HomeStop> closer = new ArrayList<>();
      for (HomeStop h : fitted) {
        closer.add(
            new HomeStop(
                h.id(),
                round(school.lat() + (h.lat() - school.lat()) * 0.8),
                round(school.lon() + (h.lon() - school.lon()) * 0.8),
                h.pupils()));
      }
      fitted = closer;
    }
    return fitted;
  }

  /**
   * How far each leg of a morning route keeps from the homes visited after it: well beyond the 150
   * m within which the monitor counts a vehicle at a stop, even after the route is pulled in twice
   * more to fit the journey limit.
   */
  private static final double CLEAR_OF_LATER_HOMES_KM = 0.25;

  /**
   * Orders the homes so the vehicle never drives past a home it is to come back to: a home that
   * lies by a leg between two stops before it is visited on that leg instead. Farthest first alone
   * can zig-zag across the corridor and pass a nearer home on the way to a farther one. (The school
   * is never passed: every home lies out from it within one narrow corridor.)
   */
  private static List<HomeStop> pickedUpOnTheWay(List<HomeStop> homes) {
    List<HomeStop> route = new ArrayList<>(homes);
    for (int moves = 0; moves < route.size() * route.size(); moves++) {
      int[] passed = passedHome(route);
      if (passed == null) {
        break;
      }
      route.add(passed[0] + 1, route.remove(passed[1]));
    }
    return route;
  }

  /**
   * The first leg that passes a home visited after the leg's end, as {leg's first stop, home}; null
   * if none does.
   */
  private static int[] passedHome(List<HomeStop> route) {
    for (int i = 0; i + 2 < route.size(); i++) {
      HomeStop from = route.get(i);
      HomeStop to = route.get(i + 1);
      for (int j = i + 2; j < route.size(); j++) {
        HomeStop later = route.get(j);
        if (kmFromLeg(later.lat(), later.lon(), from.lat(), from.lon(), to.lat(), to.lon())
            < CLEAR_OF_LATER_HOMES_KM) {
          return new int[] {i, j};
        }
      }
    }
    return null;
  }

  /** The distance from a point to the straight leg between two others, on a local flat map. */
  static double kmFromLeg(
      double lat, double lon, double lat1, double lon1, double lat2, double lon2) {
    double kmPerLon = 111.32 * Math.cos(Math.toRadians(lat1));
    double x = (lon - lon1) * kmPerLon;
    double y = (lat - lat1) * 111.32;
    double legX = (lon2 - lon1) * kmPerLon;
    double legY = (lat2 - lat1) * 111.32;
    double length2 = legX * legX + legY * legY;
    double along = length2 == 0 ? 0 : Math.max(0, Math.min(1, (x * legX + y * legY) / length2));
    return Math.hypot(x - along * legX, y - along * legY);
  }

  private static long journeyMinutes(List<HomeStop> homes, School school) {
    long minutes = 0;
    for (int i = 0; i < homes.size(); i++) {
      double lat = i + 1 < homes.size() ? homes.get(i + 1).lat() : school.lat();
      double lon = i + 1 < homes.size() ? homes.get(i + 1).lon() : school.lon();
      minutes += legMinutes(homes.get(i).lat(), homes.get(i).lon(), lat, lon);
    }
    return minutes;
  }

  private static boolean tooClose(HomeStop home, List<HomeStop> others) {
    for (HomeStop o : others) {
      if (distanceKm(home.lat(), home.lon(), o.lat(), o.lon()) < 0.4) {
        return true;
      }
    }
    return false;
  }

  private record HomeStop(String id, double lat, double lon, List<String> pupils) {}

  private record RouteShape(
      String routeId, School school, String driverId, String guideId, List<HomeStop> homes) {}

  private Run amRun(RouteShape shape, LocalDate date) {
    School school = shape.school();
    LocalTime arriveBy = school.startTime().minusMinutes(10);
    List<HomeStop> homes = shape.homes();
    // Work backwards from arrival at school.
    LocalTime[] times = new LocalTime[homes.size() + 1];
    times[homes.size()] = arriveBy.minusMinutes(5);
    for (int i = homes.size() - 1; i >= 0; i--) {
      double nextLat = i + 1 < homes.size() ? homes.get(i + 1).lat() : school.lat();
      double nextLon = i + 1 < homes.size() ? homes.get(i + 1).lon() : school.lon();
      times[i] =
          times[i + 1].minusMinutes(
              legMinutes(homes.get(i).lat(), homes.get(i).lon(), nextLat, nextLon));
    }
    List<Stop> stops = new ArrayList<>();
    List<String> everyone = new ArrayList<>();
    for (int i = 0; i < homes.size(); i++) {
      HomeStop h = homes.get(i);
      stops.add(
          new Stop(h.id(), i + 1, h.lat(), h.lon(), times[i], List.copyOf(h.pupils()), List.of()));
      everyone.addAll(h.pupils());
    }
    everyone.sort(Comparator.naturalOrder());
    stops.add(
        new Stop(
            school.id(),
            homes.size() + 1,
            school.lat(),
            school.lon(),
            times[homes.size()],
            List.of(),
            everyone));
    return run(shape, date, Direction.AM, arriveBy, stops);
  }

  private Run pmRun(RouteShape shape, LocalDate date) {
    School school = shape.school();
    List<HomeStop> homes = new ArrayList<>(shape.homes());
    java.util.Collections.reverse(homes);
    List<String> everyone = new ArrayList<>();
    homes.forEach(h -> everyone.addAll(h.pupils()));
    everyone.sort(Comparator.naturalOrder());
    List<Stop> stops = new ArrayList<>();
    LocalTime t = school.finishTime().plusMinutes(10);
    stops.add(new Stop(school.id(), 1, school.lat(), school.lon(), t, everyone, List.of()));
    double lat = school.lat();
    double lon = school.lon();
    for (int i = 0; i < homes.size(); i++) {
      HomeStop h = homes.get(i);
      t = t.plusMinutes(legMinutes(lat, lon, h.lat(), h.lon()));
      stops.add(new Stop(h.id(), i + 2, h.lat(), h.lon(), t, List.of(), List.copyOf(h.pupils())));
      lat = h.lat();
      lon = h.lon();
    }
    return run(shape, date, Direction.PM, t.plusMinutes(10), stops);
  }

  private static Run run(
      RouteShape shape, LocalDate date, Direction direction, LocalTime arriveBy, List<Stop> stops) {
    return new Run(
        shape.routeId() + "-" + date.format(DAY) + "-" + direction.name(),
        shape.routeId(),
        date,
        direction,
        arriveBy,
        Optional.of(shape.driverId()),
        Optional.ofNullable(shape.guideId()),
        stops);
  }

  /** Minutes to drive between two points, with a detour factor and a minute at the stop. */
  static long legMinutes(double lat1, double lon1, double lat2, double lon2) {
    return 1 + Math.round(distanceKm(lat1, lon1, lat2, lon2) * DETOUR / SPEED_KPH * 60);
  }

  static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
    double r = 6371.0;
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double a =
        Math.sin(dLat / 2) * Math.sin(dLat / 2)
            + Math.cos(Math.toRadians(lat1))
                * Math.cos(Math.toRadians(lat2))
                * Math.sin(dLon / 2)
                * Math.sin(dLon / 2);
    return 2 * r * Math.asin(Math.sqrt(a));
  }

  private Crew compliantCrew(String operatorId, CrewRole role, int n) {
    String id = operatorId + (role == CrewRole.DRIVER ? "-D" : "-G") + String.format("%03d", n);
    LocalDate reference = dates.isEmpty() ? LocalDate.of(2026, 1, 5) : dates.get(0);
    boolean updateService = random.nextDouble() < 0.6;
    LocalDate issued = reference.minusDays(30 + random.nextInt(updateService ? 2000 : 1000));
    boolean positive = random.nextDouble() < 0.01;
    DbsCheck dbs =
        new DbsCheck(
            String.format("%012d", random.nextLong(1_000_000_000_000L)),
            issued,
            positive ? DbsOutcome.POSITIVE : DbsOutcome.CLEAR,
            true,
            updateService);
    Optional<Badge> badge = Optional.empty();
    if (role == CrewRole.DRIVER) {
      // Some badges run out within the month: the compliance panel shows them coming.
      int days = random.nextDouble() < 0.03 ? 1 + random.nextInt(30) : 31 + random.nextInt(1000);
      badge =
          Optional.of(
              new Badge(
                  "BHX" + String.format("%06d", random.nextInt(1_000_000)),
                  "Birmingham City Council",
                  reference.plusDays(days)));
    }
    return new Crew(
        id,
        operatorId,
        role,
        Optional.of(dbs),
        positive ? Optional.of(HrClearance.CLEARED) : Optional.empty(),
        badge);
  }

  /** A spare crew member with one compliance problem, in rotation across operators. */
  private Crew problemCrew(Crew spare, int which) {
    DbsCheck dbs = spare.dbs().orElseThrow();
    LocalDate reference = dates.isEmpty() ? LocalDate.of(2026, 1, 5) : dates.get(0);
    return switch (which % 4) {
      case 0 ->
          new Crew(
              spare.id(),
              spare.operatorId(),
              CrewRole.DRIVER,
              Optional.of(
                  new DbsCheck(
                      dbs.certificateNumber(),
                      dbs.issuedOn(),
                      DbsOutcome.POSITIVE,
                      true,
                      dbs.updateService())),
              Optional.empty(),
              spare
                  .badge()
                  .or(
                      () ->
                          Optional.of(
                              new Badge(
                                  "BHX000000",
                                  "Birmingham City Council",
                                  reference.plusYears(1)))));
      case 1 ->
          new Crew(
              spare.id(),
              spare.operatorId(),
              spare.role(),
              Optional.of(
                  new DbsCheck(
                      dbs.certificateNumber(),
                      reference.minusYears(4),
                      DbsOutcome.CLEAR,
                      true,
                      false)),
              Optional.empty(),
              spare.badge());
      case 2 ->
          new Crew(
              spare.id(),
              spare.operatorId(),
              CrewRole.DRIVER,
              spare.dbs(),
              Optional.empty(),
              Optional.of(
                  new Badge("BHX999999", "Birmingham City Council", reference.minusDays(3))));
      default ->
          new Crew(
              spare.id(),
              spare.operatorId(),
              CrewRole.DRIVER,
              Optional.of(
                  new DbsCheck(
                      dbs.certificateNumber(),
                      dbs.issuedOn(),
                      DbsOutcome.POSITIVE,
                      true,
                      dbs.updateService())),
              Optional.of(HrClearance.REFUSED),
              spare
                  .badge()
                  .or(
                      () ->
                          Optional.of(
                              new Badge(
                                  "BHX000001",
                                  "Birmingham City Council",
                                  reference.plusYears(1)))));
    };
  }

  private String pupilId(Set<String> taken) {
    String id;
    do {
      id = council + "P-" + Integer.toHexString(0x100000 + random.nextInt(0xEFFFFF)).toUpperCase();
    } while (!taken.add(id));
    return id;
  }

  private int weighted(double[] weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = random.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  private <T> T pick(T[] options) {
    return options[random.nextInt(options.length)];
  }

  private static double round(double d) {
    return Math.round(d * 1e5) / 1e5;
  }
}
