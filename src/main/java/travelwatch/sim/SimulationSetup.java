package travelwatch.sim;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanJson;

/**
 * Prepares a server for a simulated day through its API with an admin key: upserts the plan and
 * creates a key for every operator, the telephony system and a control-room viewer.
 */
public final class SimulationSetup {
  /** The keys the simulator sends with, by sender, and a viewer key to watch alerts. */
  public record Keys(
      Map<String, String> bySender, String control, List<String> parentViews, String schoolLogin) {}

  /** How many pupils the demo makes a parent's link for. */
  static final int PARENT_LINKS = 3;

  private SimulationSetup() {}

  /**
   * Also signs in a phone for each crew-app driver ({@code crewApp}: driver id → operator id), the
   * way an operator's office gets a driver started: a code made with the operator's key, traded for
   * a device token.
   */
  public static Future<Keys> prepare(
      WebClient client, String adminKey, Plan plan, Map<String, String> crewApp) {
    return client
        .post("/api/v1/plan")
        .putHeader("Authorization", "Bearer " + adminKey)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(PlanJson.write(plan).toBuffer())
        .compose(
            r ->
                r.statusCode() == 200
                    ? Future.succeededFuture()
                    : Future.failedFuture(
                        "the plan was refused: HTTP " + r.statusCode() + " " + r.bodyAsString()))
        .compose(
            v -> {
              Map<String, String> keys = new HashMap<>();
              List<Future<Void>> created = new ArrayList<>();
              for (Plan.Operator o : plan.operators()) {
                created.add(
                    key(client, adminKey, new JsonObject().put("operatorId", o.id()))
                        .map(
                            k -> {
                              synchronized (keys) {
                                keys.put(o.id(), k);
                              }
                              return null;
                            }));
              }
              created.add(
                  key(client, adminKey, new JsonObject().put("scope", "telephony"))
                      .map(
                          k -> {
                            synchronized (keys) {
                              keys.put(DayScript.TELEPHONY, k);
                            }
                            return null;
                          }));
              Future<String> control =
                  key(client, adminKey, new JsonObject().put("scope", "control"));
              return Future.all(created)
                  .compose(x -> phones(client, keys, crewApp))
                  .compose(x -> parentViews(client, adminKey, plan))
                  .compose(
                      views ->
                          schoolLogin(client, adminKey, plan)
                              .compose(
                                  school -> control.map(c -> new Keys(keys, c, views, school))));
            });
  }

  private static Future<Void> phones(
      WebClient client, Map<String, String> keys, Map<String, String> crewApp) {
    List<Future<Void>> signedIn = new ArrayList<>();
    crewApp.forEach(
        (driver, operator) ->
            signedIn.add(
                client
                    .post("/api/v1/crew/" + driver + "/sign-in-codes")
                    .putHeader("Authorization", "Bearer " + keys.get(operator))
                    .send()
                    .compose(r -> created(r, "a sign-in code"))
                    .compose(
                        code ->
                            client
                                .post("/api/v1/crew/devices")
                                .sendJsonObject(
                                    new JsonObject()
                                        .put("code", code.getString("code"))
                                        .put("deviceName", "Simulated phone")))
                    .compose(r -> created(r, "a device"))
                    .map(
                        device -> {
                          synchronized (keys) {
                            keys.put(DayScript.crewSender(driver), device.getString("token"));
                          }
                          return null;
                        })));
    return Future.all(signedIn).mapEmpty();
  }

  /**
   * Parents' links for pupils of the earliest morning runs, as the council would send them: the
   * demo prints one so a newcomer can watch a child's journey beside the control room.
   */
  private static Future<List<String>> parentViews(WebClient client, String adminKey, Plan plan) {
    List<String> pupils =
        plan.runs().stream()
            .filter(r -> r.direction() == Plan.Direction.AM)
            .sorted(java.util.Comparator.comparing(r -> r.stops().get(0).plannedTime()))
            .flatMap(r -> r.stops().stream())
            .flatMap(stop -> stop.pickups().stream())
            .distinct()
            .limit(PARENT_LINKS)
            .toList();
    List<Future<String>> links = new ArrayList<>();
    for (String pupil : pupils) {
      links.add(
          client
              .post("/api/v1/pupils/" + pupil + "/parent-links")
              .putHeader("Authorization", "Bearer " + adminKey)
              .send()
              .compose(r -> created(r, "a parent's link"))
              .map(link -> pupil + "  " + link.getString("url")));
    }
    return Future.all(links).map(all -> all.<String>list());
  }

  /** A login for the first school's office, as the council would give one: "who password". */
  private static Future<String> schoolLogin(WebClient client, String adminKey, Plan plan) {
    Plan.School school = plan.schools().get(0);
    String email = "office@" + school.id().toLowerCase(java.util.Locale.ROOT) + ".demo.travelwatch";
    byte[] random = new byte[12];
    new java.security.SecureRandom().nextBytes(random);
    String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    return client
        .post("/api/v1/users")
        .putHeader("Authorization", "Bearer " + adminKey)
        .sendJsonObject(
            new JsonObject()
                .put("email", email)
                .put("role", "school")
                .put("schoolId", school.id())
                .put("password", password))
        .compose(r -> created(r, "a school's login"))
        .map(
            user ->
                email
                    + "  password "
                    + password
                    + "  ("
                    + school.name()
                    + ", "
                    + school.id()
                    + ")");
  }

  private static Future<JsonObject> created(
      io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> r, String what) {
    return r.statusCode() == 201
        ? Future.succeededFuture(r.bodyAsJsonObject())
        : Future.failedFuture(
            what + " was refused: HTTP " + r.statusCode() + " " + r.bodyAsString());
  }

  private static Future<String> key(WebClient client, String adminKey, JsonObject body) {
    return client
        .post("/api/v1/keys")
        .putHeader("Authorization", "Bearer " + adminKey)
        .sendJsonObject(body)
        .compose(
            r ->
                r.statusCode() == 201
                    ? Future.succeededFuture(r.bodyAsJsonObject().getString("key"))
                    : Future.failedFuture(
                        "a key was refused: HTTP " + r.statusCode() + " " + r.bodyAsString()));
  }
}
