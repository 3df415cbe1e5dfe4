package travelwatch.audit;

/** Every statement on the audit table. */
final class AuditSql {
  private AuditSql() {}

  static final String INSERT =
      """
      insert into audit (at, actor, address, action, object_type, object_id, pupil_id)
      values ($1, $2, $3, $4, $5, $6, $7)
      """;

  /**
   * Entries from $1 until $2, by actor $3, with action $4, before id $5, newest first, at most $7.
   * A pupil ($6) matches the entries on that pupil, on the runs that carry them and on their
   * school's views.
   */
  static final String SEARCH =
      """
      select id, at, actor, address, action, object_type, object_id, pupil_id from audit a
      where a.at >= $1 and a.at < $2
        and ($3::text is null or a.actor = $3)
        and ($4::text is null or a.action = $4)
        and ($5::bigint is null or a.id < $5)
        and ($6::text is null
          or a.pupil_id = $6
          or (a.object_type = 'run'
              and a.object_id in (select run_id from stop_pupil where pupil_id = $6))
          or (a.object_type = 'school'
              and a.object_id in (select school_id from pupil where id = $6)))
      order by a.id desc
      limit $7
      """;

  /** Deletes the entries older than $1; the trigger lets only this transaction's deletes by. */
  static final String ALLOW_RETENTION = "set local travelwatch.audit_retention = 'on'";

  static final String FORGET_BEFORE = "delete from audit where at < $1";
}
