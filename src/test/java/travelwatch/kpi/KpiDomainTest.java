package travelwatch.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
@DisplayName("KPI domain classes are plain Java: no Vert.x, no SQL, no clock of their own")
class KpiDomainTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      classes = {
        WorkingDays.class,
        WeekEnding.class,
        ReportingPeriod.class,
        Percentage.class,
        KpiFigures.class,
        WeeklySnapshot.class,
        DailySnapshot.class,
        KpiSchedule.class,
        KpiTable.class,
        KpiCsv.class,
        WeeklyKpiEmail.class
      })
  @DisplayName("The class and its nested classes refer to no Vert.x, JDBC or system clock")
  void plainJava(Class<?> type) throws Exception {
    for (Path file : classFiles(type)) {
      String constants = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      assertThat(constants)
          .as(file.getFileName().toString())
          .doesNotContain("io/vertx")
          .doesNotContain("java/sql")
          .doesNotContain("systemDefaultZone")
          .doesNotContain("systemUTC")
          .doesNotContain("currentTimeMillis");
    }
  }

  /** The compiled class and its nested classes ({@code Name$Nested.class}). */
  private static List<Path> classFiles(Class<?> type) throws URISyntaxException {
    Path file = Path.of(type.getResource(type.getSimpleName() + ".class").toURI());
    try (Stream<Path> siblings = Files.list(file.getParent())) {
      return siblings
          .filter(
              p -> {
                String name = p.getFileName().toString();
                return name.equals(type.getSimpleName() + ".class")
                    || name.startsWith(type.getSimpleName() + "$");
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
