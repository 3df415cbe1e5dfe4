package travelwatch.access;

import travelwatch.platform.http.ApiException;

/**
 * Who may call a route, decided from the caller alone. Each route's rule is written in its route
 * table through {@link Access#allow}; the rules are values, so a test can compare them.
 */
public sealed interface Rule {

  /** Whether a request without credentials passes. */
  default boolean admitsNoCredentials() {
    return false;
  }

  /** Whether this caller passes. */
  boolean permits(Caller caller);

  /** The answer to a caller this rule does not permit. */
  ApiException refusal();

  /** Anyone, with or without credentials: probes, the contract, the page, logging in. */
  static Rule anyone() {
    return new Anyone();
  }

  /** Staff (users and control/admin keys) with {@code least} or a role above it. */
  static Rule role(Role least) {
    return new AtLeast(least);
  }

  /**
   * Operators' keys, the council's feed keys (telephony, casework, hr) and crew phones: posting
   * events (what each may send is ingest's to decide).
   */
  static Rule feedsAndOperators() {
    return new FeedsAndOperators();
  }

  /** A crew phone's device token: the crew app's own routes. */
  static Rule crewDevice() {
    return new CrewDeviceOnly();
  }

  /**
   * An operator's key (for its own crew, webhooks and so on: the route checks the object) or an
   * admin.
   */
  static Rule operatorsAndAdmins() {
    return new OperatorsAndAdmins();
  }

  /**
   * An operator's key only: its own systems (a Traccar server forwarding its trackers' positions)
   * speak for it, and no one else's may.
   */
  static Rule operatorKeys() {
    return new OperatorKeysOnly();
  }

  /**
   * Staff with {@code least} or a role above it, or an operator's key reading its own operator's
   * runs, alerts and crew (the route narrows what it reads to {@link Caller#operatorScope()}).
   */
  static Rule staffOrOwnOperator(Role least) {
    return new StaffOrOwnOperator(least);
  }

  /** A parent's link token: the parent's own routes, for the link's pupil only. */
  static Rule parentLink() {
    return new ParentLinkOnly();
  }

  /** Those who issue and revoke parents' links: managers and admins, and a casework key. */
  static Rule linkIssuers() {
    return new LinkIssuers();
  }

  /**
   * A school's staff (for their own school: the route checks the object) or control-room staff with
   * {@code least} or a role above it.
   */
  static Rule schoolOr(Role least) {
    return new SchoolOrAtLeast(least);
  }

  /** A school's staff only (for their own school: the route checks the object). */
  static Rule schoolStaff() {
    return new SchoolStaffOnly();
  }

  /** A user logged in from the control-room page: their own session. */
  static Rule session() {
    return new LoggedIn();
  }

  /** See {@link #anyone()}. */
  record Anyone() implements Rule {
    @Override
    public boolean admitsNoCredentials() {
      return true;
    }

    @Override
    public boolean permits(Caller caller) {
      return true;
    }

    @Override
    public ApiException refusal() {
      throw new IllegalStateException("anyone may call this route");
    }

    @Override
    public String toString() {
      return "anyone";
    }
  }

  /** See {@link #role(Role)}. */
  record AtLeast(Role role) implements Rule {
    @Override
    public boolean permits(Caller caller) {
      return caller instanceof Caller.Staff staff && staff.role().atLeast(role);
    }

    @Override
    public ApiException refusal() {
      return ApiException.forbidden("This needs the " + role.wireName() + " role or above.");
    }

    @Override
    public String toString() {
      return role.wireName() + "+";
    }
  }

  /** See {@link #feedsAndOperators()}. */
  record FeedsAndOperators() implements Rule {
    @Override
    public boolean permits(Caller caller) {
      return caller instanceof Caller.OperatorKey
          || caller instanceof Caller.FeedKey
          || caller instanceof Caller.CrewDevice;
    }

    @Override
    public ApiException refusal() {
      return ApiException.forbidden(
          "Events are posted with an operator's key, a council feed key or a crew phone.");
    }

    @Override
    public String toString() {
      return "operator and feed keys, crew phones";
    }
  }

  /** See {@link #crewDevice()}. */
  record CrewDeviceOnly() implements Rule {
    @Override
    public boolean permits(Caller caller) {
      return caller instanceof Caller.CrewDevice;
    }

    @Override
    public ApiException refusal() {
      return ApiException.forbidden("This is for the crew app: sign in on the phone with a code.");
    }

    @Override
    public String toString() {
      return "crew phones";
    }
  }

  /** See {@link #operatorsAndAdmins()}. */
  record OperatorsAndAdmins() implements Rule {
    @Override
    public boolean permits(Caller caller) {
      return caller instanceof Caller.OperatorKey
          || (caller instanceof Caller.Staff staff && staff.role().atLeast(Role.ADMIN));
    }

    @Override
    public ApiException refusal() {
      return ApiException.forbidden("This needs the operator's key or the admin role.");
    }

    @Override
    public String toString() {
      return "operator keys, admin+";
    }
  }

  /** See {@link #operatorKeys()}. */
  record OperatorKeysOnly() implements Rule {
    @Override
    public boolean permits(Caller caller) {
      return caller instanceof Caller.OperatorKey;
    }

    @Override
    public ApiException refusal() {
      return ApiException.forbidden("This needs an operator's key.");
    }

    @Override
    public String toString() {
      return "operator keys";
    }
  }

  /** See {@link #staffOrOwnOperator(Role)}. */
  record StaffOrOwnOperator(Role role) implements Rule {
    @Override
    public boolean permits(Caller caller) {
      return caller instanceof Caller.OperatorKey
          || (caller instanceof Caller.Staff staff && staff.role().atLeast(role));
    }

    @Override
    public ApiException refusal() {
      return ApiException.forbidden(
          "This needs the " + role.wireName() + " role or above, or an operator's key.");
    }

    @Override
    public String toString() {
      return role.wireName() + "+, operator keys (their own)";
    }
  }

  /** See {@link #parentLink()}. */
  record ParentLinkOnly() implements Rule {
    @Override
    public boolean permits(Caller caller) {
      return caller instanceof Caller.ParentLink;
    }

    @Override
    public ApiException refusal() {
      return ApiException.forbidden("This is for a parent's link.");
    }

    @Override
    public String toString() {
      return "parent links";
    }
  }

  /** See {@link #linkIssuers()}. */
  record LinkIssuers() implements Rule {
    @Override
    public boolean permits(Caller caller) {
      return (caller instanceof Caller.Staff staff && staff.role().atLeast(Role.MANAGER))
          || (caller instanceof Caller.FeedKey key && key.scope() == Scope.CASEWORK);
    }

    @Override
    public ApiException refusal() {
      return ApiException.forbidden("This needs the manager role or above, or a casework key.");
    }

    @Override
    public String toString() {
      return "manager+, casework keys";
    }
  }

  /** See {@link #schoolOr(Role)}. */
  record SchoolOrAtLeast(Role role) implements Rule {
    @Override
    public boolean permits(Caller caller) {
      return caller instanceof Caller.SchoolStaff
          || (caller instanceof Caller.Staff staff && staff.role().atLeast(role));
    }

    @Override
    public ApiException refusal() {
      return ApiException.forbidden(
          "This needs a school's login, or the " + role.wireName() + " role or above.");
    }

    @Override
    public String toString() {
      return "school staff, " + role.wireName() + "+";
    }
  }

  /** See {@link #schoolStaff()}. */
  record SchoolStaffOnly() implements Rule {
    @Override
    public boolean permits(Caller caller) {
      return caller instanceof Caller.SchoolStaff;
    }

    @Override
    public ApiException refusal() {
      return ApiException.forbidden(
          "This is for a school's staff: log in with the school's login.");
    }

    @Override
    public String toString() {
      return "school staff";
    }
  }

  /** See {@link #session()}. */
  record LoggedIn() implements Rule {
    @Override
    public boolean permits(Caller caller) {
      return (caller instanceof Caller.Staff staff && staff.session())
          || caller instanceof Caller.SchoolStaff;
    }

    /** Only logging in helps, so every other caller (a key has no session) gets a 401. */
    @Override
    public ApiException refusal() {
      return ApiException.unauthorized("There is no session: log in (an API key has no session).");
    }

    @Override
    public String toString() {
      return "session";
    }
  }
}
