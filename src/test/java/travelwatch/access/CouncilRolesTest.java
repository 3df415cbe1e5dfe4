package travelwatch.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A council account's role here, from its role claim through the configured map")
class CouncilRolesTest {
  private static final CouncilRoles ROLES;

  static {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("tw-viewer", "viewer");
    map.put("tw-controller", "controller");
    map.put("tw-admin", "admin");
    map.put("tw-school-SCH1", "school:SCH1");
    map.put("tw-school-SCH2", "school:SCH2");
    ROLES = new CouncilRoles(map);
  }

  @Test
  @DisplayName("A mapped value gives its role; values not in the map are passed over")
  void mappedValue() {
    assertThat(ROLES.decide(List.of("all-staff", "tw-controller")))
        .contains(new CouncilRoles.Grant.Staff(Role.CONTROLLER));
  }

  @Test
  @DisplayName("Of several staff roles the highest wins, whatever their order")
  void highestStaffRole() {
    assertThat(ROLES.decide(List.of("tw-admin", "tw-viewer")))
        .contains(new CouncilRoles.Grant.Staff(Role.ADMIN));
    assertThat(ROLES.decide(List.of("tw-viewer", "tw-admin")))
        .contains(new CouncilRoles.Grant.Staff(Role.ADMIN));
  }

  @Test
  @DisplayName("A school's value gives that school; a staff role wins over it")
  void schoolStaff() {
    assertThat(ROLES.decide(List.of("tw-school-SCH1")))
        .contains(new CouncilRoles.Grant.School("SCH1"));
    assertThat(ROLES.decide(List.of("tw-school-SCH1", "tw-viewer")))
        .contains(new CouncilRoles.Grant.Staff(Role.VIEWER));
  }

  @Test
  @DisplayName("No mapped value, or two schools, is no role: no way in")
  void noRole() {
    assertThat(ROLES.decide(List.of())).isEmpty();
    assertThat(ROLES.decide(List.of("all-staff", "TW-CONTROLLER"))).isEmpty();
    assertThat(ROLES.decide(List.of("tw-school-SCH1", "tw-school-SCH2"))).isEmpty();
  }
}
