package travelwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static travelwatch.monitor.MonitorFixture.at;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import travelwatch.monitor.Observation.CallStep;

@DisplayName("Events late, out of order or twice give the same state and alerts as in order")
class OrderIndependenceTest {

  /**
   * A day with something for most rules: a crew change, a missed pupil, a wrong drop-off, calls.
   */
  private static List<Observation> day(MonitorFixture f) {
    List<Observation> events = new ArrayList<>();
    events.add(f.assigned("07:40", "D1", "G2"));
    events.add(f.started("07:58", "D2", "G2"));
    events.add(f.position("08:09", MonitorFixture.H1));
    events.add(f.position("08:15", 52.495, -1.895));
    events.add(f.position("08:19", MonitorFixture.H2));
    events.add(f.boarded("08:20", "P2", "H2"));
    events.add(f.position("08:34", MonitorFixture.SCH));
    events.add(f.arrived("08:47"));
    events.add(f.dropped("08:48", "P2", "H1"));
    events.add(f.incident("08:50", "safeguarding"));
    for (int i = 0; i < 12; i++) {
      String t = String.format("08:%02d", 10 + i);
      events.add(f.call(t, "C" + i, CallStep.OFFERED));
      events.add(f.call(t, "C" + i, i < 10 ? CallStep.ANSWERED : CallStep.ABANDONED));
    }
    return events;
  }

  private record Outcome(String state, Set<String> active) {}

  /** Delivers events one per batch in the given order, all arriving at 09:00, then ticks. */
  private static Outcome deliver(List<Observation> events) {
    Monitor m = MonitorFixture.monitor(MonitorFixture.run("R1", true));
    Set<String> active = new TreeSet<>();
    for (Observation o : events) {
      track(active, m.apply(List.of(o), at("09:00")));
    }
    track(active, m.tick(at("09:00")));
    return new Outcome(m.run("R1").fingerprint(), active);
  }

  private static void track(Set<String> active, Monitor.Changes c) {
    c.raised().forEach(x -> active.add(x.dedupKey() + " " + x.summary()));
    c.updated()
        .forEach(
            x -> {
              active.removeIf(k -> k.startsWith(x.dedupKey() + " "));
              active.add(x.dedupKey() + " " + x.summary());
            });
    c.cleared().forEach(x -> active.removeIf(k -> k.startsWith(x.dedupKey() + " ")));
  }

  @ParameterizedTest(name = "shuffle seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  @DisplayName("Shuffled and repeated deliveries end in the same run state and the same alerts")
  void shuffledAndRepeated(long seed) {
    List<Observation> inOrder = day(new MonitorFixture());
    Outcome expected = deliver(inOrder);
    assertThat(expected.active()).isNotEmpty();

    List<Observation> shuffled = new ArrayList<>(inOrder);
    Random random = new Random(seed);
    Collections.shuffle(shuffled, random);
    for (int i = 0; i < 5; i++) {
      shuffled.add(random.nextInt(shuffled.size()), inOrder.get(random.nextInt(inOrder.size())));
    }

    Outcome actual = deliver(shuffled);

    assertThat(actual.state()).isEqualTo(expected.state());
    assertThat(actual.active()).isEqualTo(expected.active());
  }

  @ParameterizedTest(name = "batch of {0}")
  @ValueSource(ints = {1, 3, 50})
  @DisplayName("The same events in batches of any size end the same")
  void batched(int size) {
    List<Observation> events = day(new MonitorFixture());
    Outcome expected = deliver(events);
    Monitor m = MonitorFixture.monitor(MonitorFixture.run("R1", true));
    Set<String> active = new TreeSet<>();
    for (int i = 0; i < events.size(); i += size) {
      track(active, m.apply(events.subList(i, Math.min(events.size(), i + size)), at("09:00")));
    }
    track(active, m.tick(at("09:00")));
    assertThat(m.run("R1").fingerprint()).isEqualTo(expected.state());
    assertThat(active).isEqualTo(expected.active());
  }
}
