package travelwatch.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import travelwatch.access.Role;
import travelwatch.alert.AlertType;
import travelwatch.notify.RoutingRule.Delivery;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.InboundText;

/**
 * Routing rules as JSON: {@code [{"delivery", "recipients", "alertTypes"?, "severities"?,
 * "operatorIds"?}]}. Reading checks every rule and reports every problem with its index and field.
 */
public final class RuleJson {
  private static final Set<String> FIELDS =
      Set.of("delivery", "recipients", "alertTypes", "severities", "operatorIds");
  private static final Set<String> SEVERITIES = Set.of("critical", "high", "warning");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s<>,;]+@[^@\\s<>,;]+\\.[^@\\s<>,;]+");

  private RuleJson() {}

  public static JsonArray write(RoutingTable table) {
    JsonArray items = new JsonArray();
    for (RoutingRule r : table.rules()) {
      items.add(
          new JsonObject()
              .put("delivery", r.delivery().wireName())
              .put("recipients", new JsonArray(r.recipients()))
              .put("alertTypes", new JsonArray(r.alertTypes()))
              .put("severities", new JsonArray(r.severities()))
              .put("operatorIds", new JsonArray(r.operatorIds())));
    }
    return items;
  }

  /**
   * Reads a list of rules.
   *
   * @throws ApiException 400 listing every problem
   */
  public static RoutingTable read(Object json) {
    if (!(json instanceof JsonArray)) {
      throw ApiException.badRequest(
          "Routing rules are a JSON array.",
          List.of(FieldProblem.at("", "must be an array of rules")));
    }
    JsonArray array = (JsonArray) json;
    List<FieldProblem> problems = new ArrayList<>();
    List<RoutingRule> rules = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (!(item instanceof JsonObject)) {
        problems.add(new FieldProblem(i, "", "must be an object"));
        continue;
      }
      List<FieldProblem> unreadable = InboundText.problems(item, "", i);
      if (!unreadable.isEmpty()) {
        problems.addAll(unreadable);
        continue;
      }
      RoutingRule rule = rule(i, (JsonObject) item, problems);
      if (rule != null) {
        rules.add(rule);
      }
    }
    if (!problems.isEmpty()) {
      throw ApiException.badRequest("The routing rules have problems; nothing changed.", problems);
    }
    return new RoutingTable(rules);
  }

  private static RoutingRule rule(int i, JsonObject o, List<FieldProblem> problems) {
    int before = problems.size();
    for (String name : o.fieldNames()) {
      if (!FIELDS.contains(name)) {
        problems.add(new FieldProblem(i, name, "is not a field of a routing rule"));
      }
    }
    Delivery delivery = null;
    Object d = o.getValue("delivery");
    if (d == null) {
      problems.add(new FieldProblem(i, "delivery", "is required"));
    } else {
      try {
        delivery = Delivery.parse(String.valueOf(d));
      } catch (IllegalArgumentException e) {
        problems.add(
            new FieldProblem(
                i, "delivery", "must be one of immediate, digest, escalation, weekly_kpi"));
      }
    }
    List<String> recipients = strings(i, o, "recipients", problems);
    if (recipients.isEmpty() && o.getValue("recipients") instanceof JsonArray) {
      problems.add(new FieldProblem(i, "recipients", "must name at least one recipient"));
    } else if (o.getValue("recipients") == null) {
      problems.add(new FieldProblem(i, "recipients", "is required"));
    }
    for (String r : recipients) {
      if (!validRecipient(r)) {
        problems.add(
            new FieldProblem(
                i,
                "recipients",
                "'"
                    + r
                    + "' is neither an email address nor role:viewer|controller|manager|admin"));
      }
    }
    List<String> types = strings(i, o, "alertTypes", problems);
    for (String t : types) {
      if (!validType(t)) {
        problems.add(new FieldProblem(i, "alertTypes", "'" + t + "' is not an alert type"));
      }
    }
    List<String> severities = strings(i, o, "severities", problems);
    for (String s : severities) {
      if (!SEVERITIES.contains(s)) {
        problems.add(
            new FieldProblem(i, "severities", "'" + s + "' is not critical, high or warning"));
      }
    }
    List<String> operators = strings(i, o, "operatorIds", problems);
    if (delivery == Delivery.WEEKLY_KPI
        && !(types.isEmpty() && severities.isEmpty() && operators.isEmpty())) {
      problems.add(new FieldProblem(i, "delivery", "a weekly_kpi rule takes no alert filters"));
    }
    if (problems.size() > before) {
      return null;
    }
    return new RoutingRule(delivery, recipients, types, severities, operators);
  }

  private static List<String> strings(
      int i, JsonObject o, String field, List<FieldProblem> problems) {
    Object v = o.getValue(field);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof JsonArray)) {
      problems.add(new FieldProblem(i, field, "must be an array of strings"));
      return out;
    }
    for (Object s : (JsonArray) v) {
      if (!(s instanceof String) || ((String) s).isBlank()) {
        problems.add(new FieldProblem(i, field, "must be an array of non-empty strings"));
        return new ArrayList<>();
      }
      if (!out.contains(s)) {
        out.add((String) s);
      }
    }
    return out;
  }

  static boolean validRecipient(String r) {
    if (r.startsWith("role:")) {
      try {
        Role.parse(r.substring(5));
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return EMAIL.matcher(r).matches();
  }

  private static boolean validType(String t) {
    for (AlertType type : AlertType.values()) {
      String name = type.wireName();
      if (name.equals(t) || (t.endsWith(".*") && name.startsWith(t.substring(0, t.length() - 1)))) {
        return true;
      }
    }
    return false;
  }
}
