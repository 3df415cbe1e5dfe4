package travelwatch.monitor;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A planned run as the monitor needs it: times as instants, each pupil's pickup and drop-off stop,
 * and each pupil's journey limit. Pupils are indexed 0..n-1 within the run.
 */
public record RunPlan(
    String id,
    String routeId,
    String operatorId,
    String schoolId,
    String schoolName,
    LocalDate date,
    String direction,
    Instant arriveBy,
    boolean requiresGuide,
    String plannedDriverId,
    String plannedGuideId,
    List<StopPlan> stops,
    List<PupilPlan> pupils,
    String operatorName) {

  /** A stop, in run order. */
  public record StopPlan(String id, int seq, double lat, double lon, Instant plannedAt) {}

  /**
   * A pupil on the run: where they are picked up and dropped off (stop indexes), and their limit.
   */
  public record PupilPlan(String pupilId, int pickupStop, int dropoffStop, int limitMinutes) {}

  public Instant firstPickupAt() {
    return stops.get(0).plannedAt();
  }

  public int stopIndex(String stopId) {
    for (int i = 0; i < stops.size(); i++) {
      if (stops.get(i).id().equals(stopId)) {
        return i;
      }
    }
    return -1;
  }

  public int pupilIndex(String pupilId) {
    for (int i = 0; i < pupils.size(); i++) {
      if (pupils.get(i).pupilId().equals(pupilId)) {
        return i;
      }
    }
    return -1;
  }
}
