package travelwatch.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The docker compose control room as the repository ships it: {@code docker-compose.yml}, the
 * Prometheus config, Grafana's provisioning and dashboards, read as the tools would read them.
 */
public final class ControlRoom {
  public static final Path COMPOSE = Path.of("docker-compose.yml");
  public static final Path DOCKERFILE = Path.of("Dockerfile");
  public static final Path PROMETHEUS_CONFIG = Path.of("grafana", "prometheus", "prometheus.yml");
  public static final Path DATASOURCES = Path.of("grafana", "provisioning", "datasources");
  public static final Path DASHBOARD_PROVIDERS = Path.of("grafana", "provisioning", "dashboards");
  public static final Path DASHBOARDS = Path.of("grafana", "dashboards");

  public static final String PROMETHEUS_TYPE = "prometheus";
  public static final String POSTGRES_TYPE = "grafana-postgresql-datasource";

  /** A query of a dashboard panel (or template variable), with the data source it runs on. */
  public record Query(
      String dashboard, String panel, String datasourceType, String datasourceUid, String text) {
    @Override
    public String toString() {
      return dashboard + " / " + panel + ": " + text;
    }
  }

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ControlRoom() {}

  public static JsonNode yaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String text(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode compose() {
    return yaml(COMPOSE);
  }

  public static JsonNode service(String name) {
    JsonNode service = compose().path("services").path(name);
    if (service.isMissingNode()) {
      throw new AssertionError("docker-compose.yml has no service " + name);
    }
    return service;
  }

  /** A service's environment, whether compose lists it as a map or as NAME=value lines. */
  public static Map<String, String> environment(JsonNode service) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode node = service.path("environment");
    if (node.isArray()) {
      node.forEach(
          line -> {
            String[] kv = line.asText().split("=", 2);
            env.put(kv[0], kv.length > 1 ? kv[1] : "");
          });
    } else {
      node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    }
    return env;
  }

  /** The names of the services that run TravelWatch (their command starts with serve). */
  public static List<String> travelwatchNodes() {
    List<String> nodes = new ArrayList<>();
    compose()
        .path("services")
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode command = e.getValue().path("command");
              if (command.isArray() && "serve".equals(command.path(0).asText())) {
                nodes.add(e.getKey());
              }
            });
    return nodes;
  }

  /** Every data source in the provisioning files. */
  public static List<JsonNode> datasources() {
    List<JsonNode> all = new ArrayList<>();
    files(DATASOURCES, ".yml").forEach(f -> yaml(f).path("datasources").forEach(all::add));
    return all;
  }

  public static JsonNode datasource(String type) {
    return datasources().stream()
        .filter(d -> type.equals(d.path("type").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no provisioned data source of type " + type));
  }

  public static List<JsonNode> dashboardProviders() {
    List<JsonNode> all = new ArrayList<>();
    files(DASHBOARD_PROVIDERS, ".yml").forEach(f -> yaml(f).path("providers").forEach(all::add));
    return all;
  }

  /** Each dashboard JSON by file name. */
  public static Map<String, JsonNode> dashboards() {
    Map<String, JsonNode> all = new LinkedHashMap<>();
    for (Path file : files(DASHBOARDS, ".json")) {
      try {
        all.put(file.getFileName().toString(), JSON.readTree(file.toFile()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all;
  }

  private static List<Path> files(Path dir, String suffix) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every query of the dashboard: each panel's targets (rows' nested panels too) and each template
   * variable's query, as written, with the data source Grafana would run it on.
   */
  public static List<Query> queries(String name, JsonNode dashboard) {
    List<Query> queries = new ArrayList<>();
    panels(dashboard.path("panels"), name, queries);
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (!"query".equals(variable.path("type").asText())) {
        continue;
      }
      JsonNode query = variable.path("query");
      String text = query.isObject() ? query.path("query").asText() : query.asText();
      queries.add(query(name, "variable " + variable.path("name").asText(), variable, text));
    }
    return queries;
  }

  private static void panels(JsonNode panels, String name, List<Query> into) {
    for (JsonNode panel : panels) {
      panels(panel.path("panels"), name, into);
      for (JsonNode target : panel.path("targets")) {
        JsonNode source = target.has("datasource") ? target : panel;
        String text =
            target.has("rawSql") ? target.path("rawSql").asText() : target.path("expr").asText();
        into.add(query(name, panel.path("title").asText(), source, text));
      }
    }
  }

  private static Query query(String dashboard, String panel, JsonNode owner, String text) {
    JsonNode ds = owner.path("datasource");
    return new Query(dashboard, panel, ds.path("type").asText(), ds.path("uid").asText(), text);
  }

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([a-zA-Z_]\\w*)}?");

  /**
   * A PromQL expression as Grafana sends it: its interval variables at a 1 s scrape, and each
   * template variable at its "All" value (or its first option).
   */
  public static String promql(String expr, JsonNode dashboard) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("__rate_interval", "1m");
    values.put("__interval", "15s");
    values.put("__interval_ms", "15000");
    values.put("__range", "1h");
    values.put("__range_s", "3600");
    values.put("__range_ms", "3600000");
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      String value =
          variable.path("includeAll").asBoolean()
              ? variable.path("allValue").asText(".*")
              : variable.path("options").path(0).path("value").asText();
      values.put(variable.path("name").asText(), value);
    }
    Matcher m = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new AssertionError("unknown Grafana variable $" + m.group(1) + " in " + expr);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return m.appendTail(out).toString();
  }

  private static final Pattern SQL_MACRO = Pattern.compile("\\$__(\\w+)\\(([^)]*)\\)");

  /** SQL as Grafana's PostgreSQL data source sends it for the time range from..to. */
  public static String sql(String rawSql, Instant from, Instant to) {
    Matcher m = SQL_MACRO.matcher(rawSql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String arg = m.group(2).trim();
      String value =
          switch (m.group(1)) {
            case "timeFrom" -> "'" + from + "'";
            case "timeTo" -> "'" + to + "'";
            case "timeFilter" -> arg + " BETWEEN '" + from + "' AND '" + to + "'";
            case "unixEpochFrom" -> String.valueOf(from.getEpochSecond());
            case "unixEpochTo" -> String.valueOf(to.getEpochSecond());
            case "unixEpochFilter" ->
                arg + " >= " + from.getEpochSecond() + " AND " + arg + " <= " + to.getEpochSecond();
            default -> throw new AssertionError("macro $__" + m.group(1) + " is not substituted");
          };
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    String sql = m.appendTail(out).toString();
    if (VARIABLE.matcher(sql.replace("$$", "")).find()) {
      throw new AssertionError("a Grafana variable is left in " + sql);
    }
    return sql;
  }
}
