package travelwatch.access;

/** Every statement on the API key and user tables. */
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
}
