package travelwatch.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import travelwatch.support.JarProcess;

@Timeout(300)
@DisplayName("rules list and rules set from travelwatch.jar")
class RulesCommandIT {
  @TempDir static Path dir;

  @Test
  @DisplayName(
      "rules list prints the default rules; rules set replaces them from a file and prints them;"
          + " a file with a bad rule is refused with its problem and changes nothing")
  void listAndSet() throws Exception {
    Map<String, String> env = Map.of("TW_DATA_DIR", dir.resolve("data").toString());
    JarProcess list = JarProcess.run(env, dir, null, "rules", "list");
    assertThat(list.exitCode()).as(list.stderr()).isZero();
    JsonArray defaults = new JsonArray(list.stdout().trim());
    assertThat(defaults).hasSize(4);
    assertThat(defaults.getJsonObject(3).getString("delivery")).isEqualTo("weekly_kpi");

    Path good = dir.resolve("rules.json");
    Files.writeString(
        good,
        "[{\"delivery\": \"immediate\", \"recipients\": [\"ops@council.test\"],"
            + " \"alertTypes\": [\"crew.*\"]}]");
    JarProcess set = JarProcess.run(env, dir, null, "rules", "set", good.toString());
    assertThat(set.exitCode()).as(set.stderr()).isZero();
    assertThat(new JsonArray(set.stdout().trim()).getJsonObject(0).getJsonArray("recipients"))
        .containsExactly("ops@council.test");

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "[{\"delivery\": \"now\", \"recipients\": [\"ops@council.test\"]}]");
    JarProcess refused = JarProcess.run(env, dir, null, "rules", "set", bad.toString());
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.stderr()).contains("TW_NOTIFY_RULES_FILE " + bad).contains("delivery");

    JarProcess after = JarProcess.run(env, dir, null, "rules", "list");
    assertThat(new JsonArray(after.stdout().trim())).hasSize(1);
  }
}
