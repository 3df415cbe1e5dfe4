package travelwatch.access;

/** Every statement on the API key, user and session tables. */
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

  static final String OPERATOR_EXISTS = "select 1 from operator where id = $1";

  static final String INSERT_USER =
      """
      insert into app_user (email, role, password_hash) values ($1, $2, $3)
      on conflict (email) do update set role = excluded.role,
        password_hash = excluded.password_hash
      returning id
      """;

  static final String USER_BY_EMAIL =
      "select id, email, role, password_hash from app_user where email = $1";

  static final String EMAILS_OF_ROLES =
      "select email from app_user where role = any($1::text[]) order by email";
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
      returning u.email, u.role, s.csrf_token
      """;

  static final String DELETE_SESSION = "delete from app_session where id_hash = $1";

  static final String DELETE_EXPIRED_SESSIONS =
      "delete from app_session where last_seen_at <= $1 or created_at <= $2";
}
