package travelwatch.access;

/**
 * Who is making a request. Operator and council feed keys reach only the ingest endpoint; staff
 * (users, and {@code control}/{@code admin} keys) reach what their role allows.
 */
public sealed interface Caller {

  /** An operator's key: it reaches only that operator's runs, crew and pupils. */
  record OperatorKey(long keyId, String operatorId) implements Caller {}

  /** A council system's key: telephony, casework or HR. */
  record FeedKey(long keyId, Scope scope) implements Caller {}

  /** A person, or a {@code control} (viewer) or {@code admin} key acting as one. */
  record Staff(String name, Role role) implements Caller {}

  /** The key's owner for idempotency: eventIds are unique per owner. */
  default String owner() {
    if (this instanceof OperatorKey k) {
      return "operator:" + k.operatorId();
    } else if (this instanceof FeedKey k) {
      return "scope:" + k.scope().wireName();
    }
    return "staff:" + ((Staff) this).name();
  }
}
