package travelwatch.access;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which role a council account has here, from the values of one claim of its ID token (its app
 * roles or groups) through the configured map. Staff roles win over a school's, and the highest
 * staff role wins; an account mapped to more than one school is given none, as a school's staff see
 * one school. No mapped value: no role, and no way in.
 */
public final class CouncilRoles {

  /** What a council account is let in as. */
  public sealed interface Grant {
    /** Control-room staff with this role. */
    record Staff(Role role) implements Grant {}

    /** A member of staff of this school. */
    record School(String schoolId) implements Grant {}
  }

  private static final String SCHOOL_PREFIX = "school:";

  private final Map<String, Grant> map = new LinkedHashMap<>();

  /** {@code map}: claim value to {@code viewer} … {@code admin} or {@code school:ID}. */
  public CouncilRoles(Map<String, String> map) {
    map.forEach((value, grant) -> this.map.put(value, parse(grant)));
  }

  private static Grant parse(String grant) {
    if (grant.startsWith(SCHOOL_PREFIX)) {
      return new Grant.School(grant.substring(SCHOOL_PREFIX.length()));
    }
    return new Grant.Staff(Role.parse(grant));
  }

  /** The grant for an account whose claim holds these values; empty: no way in. */
  public Optional<Grant> decide(Collection<String> claimValues) {
    Optional<Role> highest = Optional.empty();
    Set<String> schools = new LinkedHashSet<>();
    for (String value : claimValues) {
      Grant grant = map.get(value);
      if (grant instanceof Grant.Staff staff) {
        if (highest.isEmpty() || staff.role().atLeast(highest.get())) {
          highest = Optional.of(staff.role());
        }
      } else if (grant instanceof Grant.School school) {
        schools.add(school.schoolId());
      }
    }
    if (highest.isPresent()) {
      return Optional.of(new Grant.Staff(highest.get()));
    }
    return schools.size() == 1
        ? Optional.of(new Grant.School(schools.iterator().next()))
        : Optional.empty();
  }
}
