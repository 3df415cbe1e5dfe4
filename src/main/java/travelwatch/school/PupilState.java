package travelwatch.school;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a pupil of a run stands, as a school sees it: expected, on board, absent, dropped at the
 * stop planned for them ("here": the school on the way in, home on the way back) or elsewhere.
 */
public enum PupilState {
  EXPECTED,
  BOARDED,
  ABSENT,
  DROPPED_HERE,
  DROPPED_ELSEWHERE;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static PupilState of(
      Instant boardedAt,
      Instant absentAt,
      Instant droppedAt,
      String droppedStopId,
      String plannedDropoffStopId) {
    if (droppedAt != null) {
      return Objects.equals(droppedStopId, plannedDropoffStopId) ? DROPPED_HERE : DROPPED_ELSEWHERE;
    }
    if (boardedAt != null) {
      return BOARDED;
    }
    return absentAt != null ? ABSENT : EXPECTED;
  }

  /**
   * Whether a school saying the pupil has not arrived is critical: the pupil was dropped at another
   * stop, or never boarded (and was not reported absent).
   */
  public boolean notArrivingIsCritical() {
    return this == DROPPED_ELSEWHERE || this == EXPECTED;
  }
}
