package travelwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.alert.Condition;

@DisplayName("Incidents without a run fold per sender, and each stored event counts once")
class IncidentFoldTest {
  private final MonitorFixture f = new MonitorFixture();

  private Observation noRun(String hhmm) {
    return new Observation.IncidentReported(f.meta(hhmm), null, "safeguarding", "typed text");
  }

  @Test
  @DisplayName(
      "A burst is one condition counting its reports; the same events applied again (a replay,"
          + " a catch-up) change nothing")
  void sameEventsCountOnce() {
    Monitor m = MonitorFixture.monitor();
    List<Observation> burst = List.of(noRun("08:00"), noRun("08:00"), noRun("08:01"));
    Monitor.Changes first = m.apply(burst, MonitorFixture.at("08:02"));
    assertThat(first.raised()).hasSize(1);
    Condition c = first.raised().get(0);
    assertThat(c.occurrences()).isEqualTo(3);
    assertThat(c.operatorId()).isEqualTo("OP1");
    assertThat(c.summary()).doesNotContain("typed text");

    Monitor.Changes again = m.apply(burst, MonitorFixture.at("08:03"));
    assertThat(again.raised()).isEmpty();
    assertThat(again.updated()).isEmpty();

    Monitor.Changes later = m.apply(List.of(noRun("08:30")), MonitorFixture.at("08:31"));
    assertThat(later.raised()).as("an hour's gap starts a new burst").hasSize(1);
    assertThat(later.raised().get(0).dedupKey()).isNotEqualTo(c.dedupKey());
  }
}
