package travelwatch.access;

/**
 * Who is making a request: every kind of caller the service knows. Operator and council feed keys
 * reach only the ingest endpoint; staff (users, and {@code control}/{@code admin} keys) reach what
 * their role allows; a crew phone its crew member's runs; a parent's link its one pupil's journeys.
 * School staff log in with a session; a tracker is known by its tracker id alone, on the OsmAnd
 * protocol's public routes (the {@code tracker} package), and no route's {@link Rule} admits it
 * elsewhere.
 */
public sealed interface Caller {

  /** An operator's key: it reaches only that operator's runs, crew and pupils. */
  record OperatorKey(long keyId, String operatorId) implements Caller {}

  /** A council system's key: telephony, casework or HR. */
  record FeedKey(long keyId, Scope scope) implements Caller {}

  /**
   * A person, or a {@code control} (viewer) or {@code admin} key acting as one; {@code session} is
   * true for a user logged in from the control-room page, false for a key.
   */
  record Staff(String name, Role role, boolean session) implements Caller {}

  /** The device of one crew member (driver or guide) of one operator. */
  record CrewDevice(long deviceId, String crewId, String operatorId) implements Caller {}

  /** A member of staff of one school. */
  record SchoolStaff(String name, String schoolId) implements Caller {}

  /** A parent's link to one pupil. */
  record ParentLink(long linkId, String pupilId) implements Caller {}

  /** The tracker fitted to one vehicle of one operator. */
  record Tracker(String trackerId, String operatorId, String vehicleReg) implements Caller {}

  /**
   * The one operator whose data this caller may read, for an operator's key; empty for callers who
   * read every operator's (staff) — routes that admit operators' keys narrow what they read to it.
   */
  default java.util.Optional<String> operatorScope() {
    return this instanceof OperatorKey k
        ? java.util.Optional.of(k.operatorId())
        : java.util.Optional.empty();
  }

  /** The key's owner for idempotency: eventIds are unique per owner. */
  default String owner() {
    if (this instanceof OperatorKey k) {
      return "operator:" + k.operatorId();
    } else if (this instanceof FeedKey k) {
      return "scope:" + k.scope().wireName();
    } else if (this instanceof Staff s) {
      return "staff:" + s.name();
    } else if (this instanceof CrewDevice d) {
      // Per crew member, not per phone: a phone signed in again re-sends its queue as duplicates.
      return "crew:" + d.crewId();
    } else if (this instanceof SchoolStaff s) {
      return "school-staff:" + s.name();
    } else if (this instanceof ParentLink p) {
      return "parent-link:" + p.linkId();
    }
    return "tracker:" + ((Tracker) this).trackerId();
  }

  /**
   * Who this caller is in the audit trail: {@code user:E} for a person (or school staff) logged in,
   * {@code key:N} for an API key, {@code device:N}, {@code parent-link:N}, {@code tracker:T}.
   */
  default String actor() {
    if (this instanceof OperatorKey k) {
      return "key:" + k.keyId();
    } else if (this instanceof FeedKey k) {
      return "key:" + k.keyId();
    } else if (this instanceof Staff s) {
      return s.session() ? "user:" + s.name() : s.name().replace("key-", "key:");
    } else if (this instanceof CrewDevice d) {
      return "device:" + d.deviceId();
    } else if (this instanceof SchoolStaff s) {
      return "user:" + s.name();
    } else if (this instanceof ParentLink p) {
      return "parent-link:" + p.linkId();
    }
    return "tracker:" + ((Tracker) this).trackerId();
  }
}
