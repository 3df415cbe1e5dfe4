package travelwatch.platform.cluster;

/** Statements of shard ownership: session-level advisory locks on the node's lock connection. */
final class ClusterSql {
  private ClusterSql() {}

  static final String BACKEND_PID = "select pg_backend_pid()";

  static final String NAME_SESSION = "select set_config('application_name', $1, false)";

  /** Which shards of this lock class any session of this database holds now. */
  static final String HELD =
      """
      select objid::bigint as shard from pg_locks
      where locktype = 'advisory' and granted and objsubid = 2
        and classid = $1::int::oid
        and database = (select oid from pg_database where datname = current_database())
      """;

  static final String TRY_LOCK = "select pg_try_advisory_lock($1::int, $2::int) as locked";

  static final String UNLOCK = "select pg_advisory_unlock($1::int, $2::int) as unlocked";

  /** Ends the lock sessions of a member the cluster declared gone, so its locks are freed. */
  static final String FENCE =
      """
      select count(pg_terminate_backend(pid)) from pg_stat_activity
      where application_name = $1 and pid <> pg_backend_pid()
      """;
}
