package travelwatch.parent;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One pupil's journey of the day as a parent may see it: the pupil's own stops and what the crew
 * reported of the pupil, never another pupil, the vehicle's position or the crew. Plain Java: what
 * a parent is told is decided here, from the journey and the time.
 */
public record Journey(
    String runId,
    String pupilId,
    String direction,
    Instant plannedPickup,
    Instant expectedPickup,
    Instant plannedDropoff,
    Instant expectedDropoff,
    Instant pickupReachedAt,
    Instant dropoffReachedAt,
    Instant startedAt,
    Instant boardedAt,
    Instant absentAt,
    Instant droppedAt,
    boolean runArrived,
    Instant cancelledAt,
    String cancelReason,
    String vehicleReg) {

  /** Where the journey stands, in the words of the contract. */
  public enum Status {
    NOT_STARTED,
    ON_THE_WAY,
    PICKED_UP,
    DELIVERED,
    CANCELLED,
    NO_TRAVEL_TODAY;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

  public boolean morning() {
    return "AM".equals(direction);
  }

  public Status status() {
    if (cancelledAt != null) {
      return Status.CANCELLED;
    }
    if (absentAt != null && boardedAt == null) {
      return Status.NO_TRAVEL_TODAY;
    }
    if (deliveredAt() != null) {
      return Status.DELIVERED;
    }
    if (boardedAt != null) {
      return Status.PICKED_UP;
    }
    return startedAt != null ? Status.ON_THE_WAY : Status.NOT_STARTED;
  }

  /**
   * When the pupil was dropped: as the crew reported, or, on a morning run that has arrived at
   * school with the pupil on board, the arrival.
   */
  public Instant deliveredAt() {
    if (droppedAt != null) {
      return droppedAt;
    }
    return morning() && boardedAt != null && runArrived ? expectedDropoff : null;
  }

  /**
   * The stop that matters to a parent and its planned time: in the morning the pickup, in the
   * afternoon the drop-off at home.
   */
  public Instant plannedAtTheirStop() {
    return morning() ? plannedPickup : plannedDropoff;
  }

  /**
   * Whether the vehicle has been at the parent's stop: the pupil picked up (or dropped off), or the
   * vehicle seen there, or the run already at its end.
   */
  public boolean pastTheirStop() {
    return morning()
        ? boardedAt != null || pickupReachedAt != null || runArrived
        : deliveredAt() != null || dropoffReachedAt != null || runArrived;
  }

  /** When the vehicle was at the parent's stop, as reported or seen; null if not known. */
  private Instant atTheirStop() {
    if (morning()) {
      return boardedAt != null ? boardedAt : pickupReachedAt;
    }
    return deliveredAt() != null ? deliveredAt() : dropoffReachedAt;
  }

  /**
   * The expected time at the next stop that matters: before pickup in the morning, the pickup;
   * otherwise the drop-off. Null when delivered, cancelled or not known.
   */
  public Instant eta() {
    Status s = status();
    if (s == Status.DELIVERED || s == Status.CANCELLED || s == Status.NO_TRAVEL_TODAY) {
      return null;
    }
    return morning() && boardedAt == null ? expectedPickup : expectedDropoff;
  }

  /**
   * Whole minutes the vehicle is, or will be, late at the parent's stop at {@code now}: the
   * expected time, or now if that is later and the vehicle has not been there; 0 when on time.
   */
  public int minutesLateAtTheirStop(Instant now) {
    Instant expected = morning() ? expectedPickup : expectedDropoff;
    Instant at;
    if (pastTheirStop()) {
      at = atTheirStop() != null ? atTheirStop() : expected;
      if (at == null) {
        return 0;
      }
    } else if (expected == null || now.isAfter(expected)) {
      at = now;
    } else {
      at = expected;
    }
    long minutes = Duration.between(plannedAtTheirStop(), at).toMinutes();
    return (int) Math.max(0, minutes);
  }

  /** One plain sentence for the parent's page. */
  public String message(Instant now, ZoneId zone, Duration lateAfter) {
    String trip = morning() ? "to school" : "home";
    switch (status()) {
      case CANCELLED:
        return "Cancelled — today's transport "
            + trip
            + " will not run; the transport service"
            + " will be in touch.";
      case NO_TRAVEL_TODAY:
        return "Marked as not travelling " + (morning() ? "this morning." : "this afternoon.");
      case DELIVERED:
        return morning()
            ? "Arrived at school at " + time(deliveredAt(), zone) + "."
            : "Dropped off at " + time(deliveredAt(), zone) + ".";
      case PICKED_UP:
        return "Picked up at "
            + time(boardedAt, zone)
            + (eta() == null
                ? "."
                : " — expected "
                    + (morning() ? "at school" : "home")
                    + " at about "
                    + time(eta(), zone)
                    + ".");
      default:
        int late = minutesLateAtTheirStop(now);
        String lateness =
            late >= lateAfter.toMinutes() ? "running about " + late + " minutes late, " : "";
        Instant eta = eta();
        if (status() == Status.NOT_STARTED) {
          return "Not started yet — "
              + lateness
              + (morning()
                  ? "planned to pick up at " + time(plannedPickup, zone) + "."
                  : "planned to be home at about " + time(plannedDropoff, zone) + ".");
        }
        if (eta == null) {
          return "On the way — "
              + lateness
              + "planned for "
              + time(plannedAtTheirStop(), zone)
              + ".";
        }
        return morning()
            ? "On the way — " + lateness + "expected at your stop at about " + time(eta, zone) + "."
            : "On the way — " + lateness + "expected home at about " + time(eta, zone) + ".";
    }
  }

  static String time(Instant at, ZoneId zone) {
    return HH_MM.format(at.atZone(zone));
  }
}
