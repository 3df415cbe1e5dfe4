package travelwatch.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.config.PgUrl;
import travelwatch.config.Settings;
import travelwatch.config.TravelWatchConfig;
import travelwatch.support.ControlRoom;
import travelwatch.support.PrometheusServer;

@DisplayName(
    "docker-compose.yml, the Prometheus config and Grafana's provisioning agree with each other and"
        + " with the application")
class ControlRoomConfigTest {
  private static final Pattern LOCAL_URL = Pattern.compile("http://localhost:(\\d+)(/\\S*)");

  private static List<String> nodes() {
    List<String> nodes = ControlRoom.travelwatchNodes();
    assertThat(nodes).as("TravelWatch services in docker-compose.yml").hasSize(2);
    return nodes;
  }

  /** The configuration a node's environment gives the application. */
  private static TravelWatchConfig config(String node) {
    return TravelWatchConfig.from(
        new Settings(null, ControlRoom.environment(ControlRoom.service(node))), null);
  }

  private static JsonNode scrapeJob() {
    for (JsonNode job : ControlRoom.yaml(ControlRoom.PROMETHEUS_CONFIG).path("scrape_configs")) {
      if ("travelwatch".equals(job.path("job_name").asText())) {
        return job;
      }
    }
    throw new AssertionError("prometheus.yml has no travelwatch job");
  }

  /** Each mounted host path (as written, e.g. ./grafana/dashboards) with its container path. */
  private static Map<String, String> mounts(JsonNode service) {
    Map<String, String> mounts = new LinkedHashMap<>();
    for (JsonNode volume : service.path("volumes")) {
      String[] parts = volume.asText().split(":");
      mounts.put(parts[0], parts[1]);
    }
    return mounts;
  }

  @Test
  @DisplayName(
      "Prometheus scrapes /metrics on each node at the port the node listens on, which its health"
          + " checks probe too")
  void scrapeTargetsAreTheNodes() {
    JsonNode job = scrapeJob();
    assertThat(job.path("metrics_path").asText()).isEqualTo("/metrics");
    Set<String> targets = new TreeSet<>();
    job.path("static_configs")
        .forEach(c -> c.path("targets").forEach(t -> targets.add(t.asText())));

    Set<String> expected = new TreeSet<>();
    for (String node : nodes()) {
      int port = config(node).http().port();
      expected.add(node + ":" + port);

      JsonNode check = ControlRoom.service(node).path("healthcheck").path("test");
      Matcher url = LOCAL_URL.matcher(String.join(" ", texts(check)));
      assertThat(url.find()).as(node + " health check " + check).isTrue();
      assertThat(Integer.parseInt(url.group(1))).as(node + " health check port").isEqualTo(port);
      assertThat(url.group(2)).isEqualTo("/health/ready");

      Matcher image = LOCAL_URL.matcher(ControlRoom.text(ControlRoom.DOCKERFILE));
      assertThat(image.find()).as("Dockerfile HEALTHCHECK").isTrue();
      assertThat(Integer.parseInt(image.group(1)))
          .as("Dockerfile HEALTHCHECK port")
          .isEqualTo(port);
      assertThat(ControlRoom.text(ControlRoom.DOCKERFILE)).containsPattern("EXPOSE .*\\b" + port);
    }
    assertThat(targets).isEqualTo(expected);
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(t -> texts.add(t.asText()));
    return texts;
  }

  @Test
  @DisplayName("Every TW_ variable docker-compose.yml sets is a setting the application reads")
  void everyVariableIsASetting() {
    for (String node : nodes()) {
      Map<String, String> env = ControlRoom.environment(ControlRoom.service(node));
      Settings settings = new Settings(null, env);
      TravelWatchConfig.from(settings, null);
      Set<String> read = settings.envNamesRead();
      assertThat(read).as("settings the application reads").contains("TW_HTTP_PORT", "TW_PG_URL");

      Set<String> unknown = new TreeSet<>(env.keySet());
      unknown.removeIf(name -> !name.startsWith("TW_") || read.contains(name));
      assertThat(unknown).as(node + " sets variables no setting reads").isEmpty();
    }
  }

  @Test
  @DisplayName("Reading a configuration records the environment names of the settings it read")
  void settingsRecordWhatWasRead() {
    Settings settings = new Settings(null, Map.of());
    assertThat(settings.envNamesRead()).isEmpty();

    TravelWatchConfig.from(settings, null);

    assertThat(settings.envNamesRead())
        .contains("TW_HTTP_PORT", "TW_PG_URL", "TW_PUBLIC_URL", "TW_KPI_WEEKLY_AT", "TW_DATA_DIR")
        .allMatch(name -> name.matches("TW_[A-Z0-9_]+"));
  }

  @Test
  @DisplayName(
      "Every node asks for a metrics token, and Prometheus sends that token as a bearer token")
  void prometheusSendsTheNodesMetricsToken() {
    JsonNode authorization = scrapeJob().path("authorization");
    assertThat(authorization.path("type").asText("Bearer")).isEqualTo("Bearer");
    String sent = authorization.path("credentials").asText();
    assertThat(sent).as("prometheus.yml's authorization.credentials").isNotEmpty();
    for (String node : nodes()) {
      assertThat(config(node).access().metricsToken())
          .as(node + "'s TW_METRICS_TOKEN")
          .hasValue(sent);
    }
  }

  @Test
  @DisplayName(
      "The cluster members are the node services on the cluster port, each node naming itself")
  void clusterMembersAreTheNodes() {
    Set<String> expected = new TreeSet<>();
    Set<String> members = new HashSet<>();
    for (String node : nodes()) {
      JsonNode service = ControlRoom.service(node);
      Map<String, String> env = ControlRoom.environment(service);
      assertThat(texts(service.path("command"))).containsExactly("serve", "--cluster");
      assertThat(env.get("TW_CLUSTER_HOST")).isEqualTo(node);
      assertThat(service.path("hostname").asText(node)).isEqualTo(node);
      expected.add(node + ":" + env.get("TW_CLUSTER_PORT"));
      members.add(env.get("TW_CLUSTER_MEMBERS"));
    }
    assertThat(members).as("every node has the same member list").hasSize(1);
    assertThat(new TreeSet<>(List.of(members.iterator().next().split(",")))).isEqualTo(expected);
  }

  @Test
  @DisplayName("Every data source a dashboard names is provisioned, with the same UID and type")
  void dashboardsUseProvisionedDatasources() {
    Map<String, String> provisioned = new LinkedHashMap<>();
    for (JsonNode ds : ControlRoom.datasources()) {
      String previous = provisioned.put(ds.path("uid").asText(), ds.path("type").asText());
      assertThat(previous).as("data source UID " + ds.path("uid") + " given twice").isNull();
    }
    assertThat(provisioned)
        .containsValues(ControlRoom.PROMETHEUS_TYPE, ControlRoom.POSTGRES_TYPE)
        .doesNotContainKey("");

    Set<String> uids = new HashSet<>();
    List<String> used = new ArrayList<>();
    ControlRoom.dashboards()
        .forEach(
            (name, dashboard) -> {
              assertThat(uids.add(dashboard.path("uid").asText()))
                  .as("dashboard UID of " + name + " is unique")
                  .isTrue();
              dashboard
                  .findValues("datasource")
                  .forEach(
                      ds -> used.add(ds.path("uid").asText() + " " + ds.path("type").asText()));
              ControlRoom.queries(name, dashboard)
                  .forEach(q -> used.add(q.datasourceUid() + " " + q.datasourceType()));
            });
    assertThat(used).isNotEmpty();
    for (String ref : used) {
      String[] uidAndType = ref.split(" ", 2);
      assertThat(provisioned)
          .as("data source used by a dashboard: " + ref)
          .containsEntry(uidAndType[0], uidAndType[1]);
    }
  }

  @Test
  @DisplayName(
      "Grafana's Prometheus data source is the compose Prometheus, which mounts this config")
  void prometheusDatasourceIsTheComposeService() {
    URI url = URI.create(ControlRoom.datasource(ControlRoom.PROMETHEUS_TYPE).path("url").asText());
    JsonNode prometheus = ControlRoom.service(url.getHost());
    assertThat(texts(prometheus.path("ports"))).anyMatch(p -> p.endsWith(":" + url.getPort()));

    String configFile = null;
    for (String arg : texts(prometheus.path("command"))) {
      if (arg.startsWith("--config.file=")) {
        configFile = arg.substring("--config.file=".length());
      }
    }
    assertThat(mounts(prometheus))
        .containsEntry(
            "./" + ControlRoom.PROMETHEUS_CONFIG.toString().replace('\\', '/'), configFile);
  }

  @Test
  @DisplayName(
      "Grafana's PostgreSQL data source reads the compose database with the nodes' user and"
          + " password")
  void postgresDatasourceIsTheNodesDatabase() {
    JsonNode ds = ControlRoom.datasource(ControlRoom.POSTGRES_TYPE);
    Map<String, String> postgres = ControlRoom.environment(ControlRoom.service("postgres"));
    for (String node : nodes()) {
      PgUrl url = config(node).database().url().orElseThrow();
      assertThat(ds.path("url").asText()).isEqualTo(url.host() + ":" + url.port());
      assertThat(ds.path("jsonData").path("database").asText())
          .isEqualTo(url.database())
          .isEqualTo(postgres.get("POSTGRES_DB"));
      assertThat(ds.path("user").asText())
          .isEqualTo(url.user())
          .isEqualTo(postgres.get("POSTGRES_USER"));
      assertThat(ds.path("secureJsonData").path("password").asText())
          .isEqualTo(url.password())
          .isEqualTo(postgres.get("POSTGRES_PASSWORD"));
      assertThat(ControlRoom.compose().path("services").has(url.host()))
          .as("the nodes' database host is a compose service")
          .isTrue();
    }
  }

  @Test
  @DisplayName(
      "Grafana mounts the provisioning, and its dashboard provider reads the folder the dashboards"
          + " are mounted at")
  void grafanaLoadsTheDashboards() {
    JsonNode grafana = ControlRoom.service("grafana");
    Map<String, String> mounts = mounts(grafana);
    assertThat(mounts).containsEntry("./grafana/provisioning", "/etc/grafana/provisioning");
    String dashboards = mounts.get("./" + ControlRoom.DASHBOARDS.toString().replace('\\', '/'));
    assertThat(dashboards).as("where the dashboards are mounted").isNotNull();
    assertThat(ControlRoom.dashboardProviders())
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.path("options").path("path").asText()).isEqualTo(dashboards));

    String home = ControlRoom.environment(grafana).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
    assertThat(home).startsWith(dashboards + "/");
    assertThat(ControlRoom.DASHBOARDS.resolve(home.substring(dashboards.length() + 1))).exists();
  }

  @Test
  @DisplayName("Mailpit takes mail on the host and port the nodes send to, without STARTTLS")
  void mailpitIsTheNodesSmtpServer() {
    Map<String, String> mailpit = ControlRoom.environment(ControlRoom.service("mailpit"));
    String smtpBind = mailpit.get("MP_SMTP_BIND_ADDR");
    assertThat(smtpBind).as("Mailpit's SMTP address").isNotNull();
    for (String node : nodes()) {
      Map<String, String> env = ControlRoom.environment(ControlRoom.service(node));
      assertThat(env.get("TW_SMTP_HOST")).isEqualTo("mailpit");
      assertThat(smtpBind).endsWith(":" + env.get("TW_SMTP_PORT"));
      assertThat(env.get("TW_SMTP_TLS")).isEqualTo("none");
      assertThat(env.get("TW_MAIL_FROM")).contains("@");
      assertThat(URI.create(env.get("TW_PUBLIC_URL")).getScheme()).isEqualTo("http");
    }
  }

  @Test
  @DisplayName(
      "Every service another waits for as healthy has a health check, and every named volume is"
          + " declared")
  void dependenciesHaveHealthChecks() {
    JsonNode services = ControlRoom.compose().path("services");
    Set<String> declared = new HashSet<>();
    ControlRoom.compose().path("volumes").fieldNames().forEachRemaining(declared::add);
    List<String> problems = new ArrayList<>();
    services
        .fields()
        .forEachRemaining(
            service -> {
              service
                  .getValue()
                  .path("depends_on")
                  .fields()
                  .forEachRemaining(
                      dep -> {
                        JsonNode target = services.path(dep.getKey());
                        if (target.isMissingNode()) {
                          problems.add(service.getKey() + " depends on no service " + dep.getKey());
                        } else if ("service_healthy"
                                .equals(dep.getValue().path("condition").asText())
                            && !target.has("healthcheck")) {
                          problems.add(dep.getKey() + " has no health check");
                        }
                      });
              mounts(service.getValue()).keySet().stream()
                  .filter(source -> !source.startsWith(".") && !source.startsWith("/"))
                  .filter(volume -> !declared.contains(volume))
                  .forEach(volume -> problems.add("volume " + volume + " is not declared"));
            });
    assertThat(services.path("grafana").path("depends_on").has("prometheus")).isTrue();
    assertThat(problems).isEmpty();
  }

  @Test
  @DisplayName("promtool accepts the Prometheus config")
  void promtoolAcceptsTheConfig() throws Exception {
    PrometheusServer.requireInstalled();
    Process p =
        new ProcessBuilder(
                "/usr/bin/promtool", "check", "config", ControlRoom.PROMETHEUS_CONFIG.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}
