package travelwatch.kpi;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * Puts the weekly KPI email in the outbox, in the transaction that stores the scheduled weekly
 * snapshot, so the snapshot and its email commit together.
 */
public interface WeeklyKpiOutbox {
  Future<Void> send(SqlConnection conn, WeeklySnapshot latest, WeeklyKpiEmail.Content content);

  /** The number of weeks the email shows, the latest one last. */
  int weeks();
}
