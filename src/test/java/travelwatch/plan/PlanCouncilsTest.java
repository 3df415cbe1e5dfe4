package travelwatch.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Several councils' plans as one: the first unchanged, none sharing an id")
class PlanCouncilsTest {
  private static final List<LocalDate> DAY = List.of(LocalDate.of(2026, 11, 23));

  @Test
  @DisplayName("Council 1 is the single plan of the seed; the others have their own ids throughout")
  void councilsHaveTheirOwnIds() {
    Plan single = new PlanGenerator(1, 200, DAY).generate();
    Plan three = PlanGenerator.councils(1, 3, 200, DAY);

    assertThat(PlanJson.write(PlanGenerator.councils(1, 1, 200, DAY)))
        .isEqualTo(PlanJson.write(single));
    assertThat(three.routes()).hasSize(600);
    assertThat(three.runs()).hasSize(1200);
    assertThat(three.routes().subList(0, 200)).isEqualTo(single.routes());
    assertThat(three.pupils().subList(0, single.pupils().size())).isEqualTo(single.pupils());
    assertUnique(three.operators(), Plan.Operator::id);
    assertUnique(three.schools(), Plan.School::id);
    assertUnique(three.pupils(), Plan.Pupil::id);
    assertUnique(three.crew(), Plan.Crew::id);
    assertUnique(three.routes(), Plan.Route::id);
    assertUnique(three.runs(), Plan.Run::id);
    assertThat(three.routes().get(200).id()).startsWith("C2-");
    assertThat(three.routes().get(599).id()).startsWith("C3-");
  }

  private static <T> void assertUnique(List<T> items, Function<T, String> id) {
    Set<String> seen = new HashSet<>();
    items.forEach(i -> assertThat(seen.add(id.apply(i))).as("%s once", id.apply(i)).isTrue());
  }
}
