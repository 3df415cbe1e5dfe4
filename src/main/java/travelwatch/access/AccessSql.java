package travelwatch.access;

/**
 * Every statement on the API key, user, session, login throttle, crew sign-in code and crew device
 * tables.
 */
final class AccessSql {
  private AccessSql() {}

  static final String INSERT_KEY =
      """
      insert into api_key (key_hash, prefix, operator_id, scope)
      values ($1, $2, $3, $4) returning id
      """;

  static final String KEY_BY_HASH =
      """
      select id, operator_id, scope from api_key
      where key_hash = $1 and revoked_at is null
      """;

  /** Every key, newest first; never the key nor its hash. */
  static final String KEYS =
      """
      select id, prefix, operator_id, scope, created_at, last_used_at, revoked_at
      from api_key order by id desc
      """;

  /** Revokes a key; revoking it again keeps the first time. The trigger tells every node. */
  static final String REVOKE_KEY =
      """
      update api_key set revoked_at = coalesce(revoked_at, $2) where id = $1
      returning id, prefix, operator_id, scope, created_at, last_used_at, revoked_at
      """;

  /** Notes a key as used at $2, unless it was noted less than a minute before. */
  static final String KEY_USED =
      """
      update api_key set last_used_at = $2
      where id = $1 and (last_used_at is null or last_used_at < $2::timestamptz - interval '1 minute')
      """;

  /** The channel the {@code api_key_revoked} trigger notifies, with the key's id. */
  static final String KEY_REVOKED_CHANNEL = "travelwatch_key_revoked";

  static final String OPERATOR_EXISTS = "select 1 from operator where id = $1";

  static final String INSERT_USER =
      """
      insert into app_user (email, role, password_hash, school_id) values ($1, $2, $3, $4)
      on conflict (email) do update set role = excluded.role,
        password_hash = excluded.password_hash, school_id = excluded.school_id
      returning id
      """;

  static final String USER_BY_EMAIL =
      """
      select id, email, role, school_id, password_hash, disabled_at from app_user where email = $1
      """;

  /** Every user, with the end of a lock on their account that is still on at $1. */
  static final String USERS =
      """
      select u.id, u.email, u.role, u.school_id, u.created_at, u.disabled_at, t.locked_until
      from app_user u
      left join login_throttle t
        on t.kind = 'account' and t.subject = lower(u.email) and t.locked_until > $1
      where $2::text is null or u.email = $2
      order by u.email
      """;

  /** The user with this email, locked for a change. */
  static final String USER_FOR_CHANGE = "select id from app_user where email = $1 for update";

  static final String SET_ROLE = "update app_user set role = $2, school_id = $3 where id = $1";

  static final String SET_PASSWORD = "update app_user set password_hash = $2 where id = $1";

  /** Disables ($2 a time) or enables ($2 null) a user; disabling again keeps the first time. */
  static final String SET_DISABLED =
      """
      update app_user set disabled_at = case when $2::timestamptz is null then null
                                              else coalesce(disabled_at, $2) end
      where id = $1
      """;

  /** Ends a user's sessions, but the one whose id hash is $2 (the caller's own, if any). */
  static final String DELETE_SESSIONS_OF_USER =
      "delete from app_session where user_id = $1 and id_hash is distinct from $2";

  static final String EMAILS_OF_ROLES =
      """
      select email from app_user where role = any($1::text[]) and disabled_at is null
      order by email
      """;
  static final String INSERT_SESSION =
      """
      insert into app_session (id_hash, user_id, csrf_token, created_at, last_seen_at)
      values ($1, $2, $3, $4, $4)
      """;

  /**
   * The live session with this id hash, noted as used now ($2); alive only if used after $3 (the
   * idle limit) and started after $4 (the absolute limit). The user's role is read afresh.
   */
  static final String TOUCH_SESSION =
      """
      update app_session s set last_seen_at = greatest(s.last_seen_at, $2)
      from app_user u
      where s.id_hash = $1 and u.id = s.user_id and s.last_seen_at > $3 and s.created_at > $4
        and u.disabled_at is null
      returning u.email, u.role, u.school_id, s.csrf_token
      """;

  static final String DELETE_SESSION = "delete from app_session where id_hash = $1";

  static final String DELETE_EXPIRED_SESSIONS =
      "delete from app_session where last_seen_at <= $1 or created_at <= $2";

  /** A council account's user, found by its provider's subject, given the role of this sign-in. */
  static final String UPDATE_COUNCIL_USER =
      """
      update app_user set role = $1, school_id = $2
      where oidc_issuer = $3 and oidc_subject = $4
      returning id, email, role, school_id, password_hash, disabled_at
      """;

  /**
   * A council account's first sign-in: a new user, or the local user with its email (its password
   * stays, for as long as passwords are on), unless that email is another council account's.
   */
  static final String INSERT_COUNCIL_USER =
      """
      insert into app_user (email, role, password_hash, school_id, oidc_issuer, oidc_subject)
      values ($1, $2, null, $3, $4, $5)
      on conflict (email) do update set role = excluded.role, school_id = excluded.school_id,
        oidc_issuer = excluded.oidc_issuer, oidc_subject = excluded.oidc_subject
      where app_user.oidc_subject is null
      returning id, email, role, school_id, password_hash, disabled_at
      """;

  static final String INSERT_SIGN_IN =
      """
      insert into oidc_sign_in (state_hash, browser_hash, code_verifier, nonce, created_at)
      values ($1, $2, $3, $4, $5)
      """;

  /** Takes the sign-in a state names, if started after $2: a state is good once. */
  static final String TAKE_SIGN_IN =
      """
      delete from oidc_sign_in where state_hash = $1 and created_at > $2
      returning browser_hash, code_verifier, nonce
      """;

  /** Sign-ins never completed are swept when a new one starts, so no timer is needed. */
  static final String DELETE_STALE_SIGN_INS = "delete from oidc_sign_in where created_at <= $1";

  /** Makes sure a throttle row exists, so it can be locked for the try. */
  static final String THROTTLE_ENSURE =
      "insert into login_throttle (kind, subject) values ($1, $2) on conflict do nothing";

  static final String THROTTLE_FOR_TRY =
      """
      select failures, last_failure_at, locked_until from login_throttle
      where kind = $1 and subject = $2 for update
      """;

  static final String THROTTLE_PUT =
      """
      update login_throttle set failures = $3, last_failure_at = $4, locked_until = $5
      where kind = $1 and subject = $2
      """;

  static final String THROTTLE_CLEAR =
      "delete from login_throttle where kind = $1 and subject = $2";

  /**
   * Locks an account not locked yet until $3; answers the user's email if there is such a user (the
   * log names only known accounts: a stranger may have typed a password as the email).
   */
  static final String THROTTLE_LOCK =
      """
      update login_throttle set locked_until = $3
      where kind = $1 and subject = $2 and locked_until is null
      returning (select email from app_user where lower(email) = $2 limit 1) as email
      """;

  /** Takes back the failure a successful try was counted as in advance. */
  static final String THROTTLE_FORGIVE =
      """
      update login_throttle set failures = greatest(failures - 1, 0)
      where kind = $1 and subject = $2
      """;

  /** Forgets rows with no failure since $1 and no lock on at $2. */
  static final String THROTTLE_SWEEP =
      """
      delete from login_throttle
      where (last_failure_at is null or last_failure_at < $1)
        and (locked_until is null or locked_until <= $2)
      """;

  static final String CREW_OPERATOR = "select operator_id from crew where id = $1";

  /** Whether a live code holds these first digits already. */
  static final String CODE_PREFIX_TAKEN =
      """
      select 1 from crew_sign_in_code
      where prefix = $1 and used_at is null and wrong_tries < $3 and expires_at > $2
      """;

  static final String INSERT_CODE =
      """
      insert into crew_sign_in_code (crew_id, operator_id, prefix, code_hash, created_at,
                                     expires_at)
      values ($1, $2, $3, $4, $5, $6)
      """;

  /** The live code with these first digits, locked for the try. */
  static final String LIVE_CODE =
      """
      select k.id, k.crew_id, k.operator_id, k.code_hash,
             c.operator_id is not distinct from k.operator_id as still_theirs
      from crew_sign_in_code k left join crew c on c.id = k.crew_id
      where k.prefix = $1 and k.used_at is null and k.wrong_tries < $3 and k.expires_at > $2
      order by k.id desc limit 1
      for update of k
      """;

  static final String USE_CODE = "update crew_sign_in_code set used_at = $2 where id = $1";

  static final String WRONG_TRY =
      "update crew_sign_in_code set wrong_tries = wrong_tries + 1 where id = $1";

  static final String INSERT_DEVICE =
      """
      insert into crew_device (crew_id, operator_id, token_hash, name, created_at, last_used_at)
      values ($1, $2, $3, $4, $5, $5) returning id
      """;

  /**
   * The device with this token hash, noted as used now ($2), if not revoked nor unused since $3,
   * and its crew member is still the operator's (a crew member moved to another operator signs in
   * anew).
   */
  static final String TOUCH_DEVICE =
      """
      update crew_device d set last_used_at = greatest(d.last_used_at, $2)
      from crew c
      where d.token_hash = $1 and d.revoked_at is null and d.last_used_at > $3
        and c.id = d.crew_id and c.operator_id = d.operator_id
      returning d.id, d.crew_id, d.operator_id
      """;

  /** One code made at a time, so two live codes never share their first digits. */
  static final String CODE_LOCK = "select pg_advisory_xact_lock(1415005001)";

  static final String DEVICES_OF_CREW =
      """
      select id, crew_id, operator_id, name, created_at, last_used_at, revoked_at
      from crew_device where crew_id = $1 order by id
      """;

  static final String REVOKE_DEVICE =
      """
      update crew_device set revoked_at = coalesce(revoked_at, $3)
      where id = $1 and crew_id = $2 returning id
      """;

  static final String SCHOOL_EXISTS = "select 1 from school where id = $1";

  static final String PUPIL_EXISTS = "select 1 from pupil where id = $1";

  static final String INSERT_PARENT_LINK =
      """
      insert into parent_link (pupil_id, token_hash, created_by, created_at, expires_at)
      values ($1, $2, $3, $4, $5) returning id
      """;

  static final String PARENT_LINKS_OF_PUPIL =
      """
      select id, pupil_id, created_by, created_at, expires_at, revoked_at
      from parent_link where pupil_id = $1 order by id
      """;

  /** The live link with this token hash at $2. */
  static final String PARENT_LINK_BY_HASH =
      """
      select id, pupil_id from parent_link
      where token_hash = $1 and revoked_at is null and expires_at > $2
      """;

  /** Revokes a link and locks it, so nothing is added to it while its data is deleted. */
  static final String REVOKE_PARENT_LINK =
      """
      update parent_link set revoked_at = coalesce(revoked_at, $2)
      where id = $1 returning id, pupil_id
      """;
}
