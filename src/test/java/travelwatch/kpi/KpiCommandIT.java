package travelwatch.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import travelwatch.support.JarProcess;

@Timeout(300)
@DisplayName("kpi weekly from travelwatch.jar: the week's snapshot as JSON or CSV on stdout")
class KpiCommandIT {
  @TempDir static Path dir;
  private static Map<String, String> env;

  @BeforeAll
  static void dataDir() {
    // Each command starts the embedded PostgreSQL in the data directory and stops it after.
    env = Map.of("TW_DATA_DIR", dir.resolve("data").toString());
  }

  private static JarProcess kpi(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "kpi";
    all[1] = "weekly";
    System.arraycopy(args, 0, all, 2, args.length);
    return JarProcess.run(env, dir, null, all);
  }

  @Test
  @DisplayName("Prints version 1, then a new version with --recompute, then that latest one")
  void weeklyVersions() {
    JarProcess first = kpi("--week-ending", "2026-06-12");
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    JsonObject v1 = new JsonObject(first.stdout().trim());
    assertThat(v1.getString("weekEnding")).isEqualTo("2026-06-12");
    assertThat(v1.getInteger("version")).isEqualTo(1);
    assertThat(v1.getJsonObject("telephonePerformance").getValue("percent")).isNull();
    assertThat(v1.getInteger("busPassAssessmentsOverdue")).isZero();

    JarProcess again = kpi("--week-ending", "2026-06-12", "--recompute");
    assertThat(again.exitCode()).as(again.stderr()).isZero();
    assertThat(new JsonObject(again.stdout().trim()).getInteger("version")).isEqualTo(2);

    JarProcess csv = kpi("--week-ending", "2026-06-12", "--format", "csv");
    assertThat(csv.exitCode()).as(csv.stderr()).isZero();
    assertThat(csv.stdout())
        .startsWith(
            "weekEnding,version,computedAt,kpi,operatorId,count,numerator,denominator,percent,"
                + "schoolId,schoolName\r\n")
        .contains("2026-06-12,2,")
        .contains(",Route Performance,,,0,0,,,\r\n");
  }

  @Test
  @DisplayName("A week ending that is not a Friday, or an unknown format, is a usage error")
  void usageErrors() {
    JarProcess thursday = kpi("--week-ending", "2026-06-11");
    assertThat(thursday.exitCode()).isEqualTo(2);
    assertThat(thursday.stderr()).contains("--week-ending must be a Friday");
    assertThat(thursday.stdout()).isEmpty();

    JarProcess xml = kpi("--week-ending", "2026-06-12", "--format", "xml");
    assertThat(xml.exitCode()).isEqualTo(2);
    assertThat(xml.stderr()).contains("--format must be json or csv");

    JarProcess notADate = kpi("--week-ending", "Friday");
    assertThat(notADate.exitCode()).isEqualTo(2);
  }
}
