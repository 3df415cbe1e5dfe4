package travelwatch.retention;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import travelwatch.platform.db.Database;
import travelwatch.platform.jobs.JobHealth;
import travelwatch.retention.RetentionDates.Partition;

/**
 * Removes what is kept no longer: drops the event store's partitions whose period has passed (a
 * month of events, a day of positions), deletes what waits in the default partitions from before
 * then and the removed events' keys, clears coordinates from older events, deletes old audit
 * records (when there is an audit trail) and what parents gave that is no longer needed. Also makes
 * the partitions of the days and months ahead. A pass is done once a service day and once per
 * cluster: under an advisory lock, recorded in retention_state.
 */
final class RetentionStore {
  private static final int KEY_BATCH = 10_000;
  private static final int CLEAR_DAYS = 31;

  /** What parents gave that is no longer needed, forgotten by their capability. */
  interface ParentData {
    /** Forgets ended links' addresses and messages before {@code messagesBefore}; how many. */
    Future<Integer> forgetEnded(Instant now, Instant messagesBefore);
  }

  private final Pool pool;
  private final ParentData parents;
  private final Function<Instant, Future<Long>> audit;

  /** {@code audit}: forgets the audit entries older than its argument; how many. */
  RetentionStore(Pool pool, ParentData parents, Function<Instant, Future<Long>> audit) {
    this.pool = pool;
    this.parents = parents;
    this.audit = audit;
  }

  /** What a pass removed. */
  record Removed(
      List<String> partitions,
      long defaultRows,
      long coordinatesCleared,
      long keys,
      long audit,
      long parents) {

    @Override
    public String toString() {
      return "partitions dropped "
          + partitions
          + ", older rows from default partitions "
          + defaultRows
          + ", events whose coordinates were cleared "
          + coordinatesCleared
          + ", event keys "
          + keys
          + ", audit records "
          + audit
          + ", parents' addresses and messages "
          + parents;
    }
  }

  /** Makes the partitions due by {@code today} that do not exist yet; answers how many. */
  Future<Integer> makePartitions(LocalDate today) {
    Future<Integer> made = Future.succeededFuture(0);
    for (Partition p : RetentionDates.due(today)) {
      made = made.compose(n -> make(p).map(m -> m ? n + 1 : n));
    }
    return made;
  }

  private Future<Boolean> make(Partition p) {
    return pool.withTransaction(
        conn ->
            conn.query(RetentionSql.LOCK_TIMEOUT)
                .execute()
                .compose(v -> conn.preparedQuery(RetentionSql.MAKE_LOCK).execute(lockKey()))
                .compose(
                    v ->
                        conn.preparedQuery(RetentionSql.MAKE_PARTITION)
                            .execute(Tuple.of(p.branch(), p.name(), p.from(), p.until())))
                .map(rows -> rows.iterator().next().getBoolean("made")));
  }

  /**
   * The pass of service day {@code today} unless it was done or another node is doing it (empty
   * then). Every step runs whatever the others did; the pass counts as done only if all succeeded.
   */
  Future<Optional<Removed>> passIfDue(LocalDate today, RetentionDates dates, Instant now) {
    return pool.withConnection(
        conn ->
            conn.preparedQuery(RetentionSql.TRY_PASS_LOCK)
                .execute(lockKey())
                .compose(
                    locked ->
                        locked.iterator().next().getBoolean("locked")
                            ? passLocked(conn, today, dates, now)
                                .eventually(
                                    () ->
                                        conn.preparedQuery(RetentionSql.PASS_UNLOCK)
                                            .execute(lockKey()))
                            : Future.succeededFuture(Optional.empty())));
  }

  private Future<Optional<Removed>> passLocked(
      SqlConnection conn, LocalDate today, RetentionDates dates, Instant now) {
    return conn.preparedQuery(RetentionSql.STATE)
        .execute()
        .compose(
            state -> {
              Row row = state.iterator().next();
              LocalDate last = row.getLocalDate("last_pass_day");
              if (last != null && !last.isBefore(today)) {
                return Future.succeededFuture(Optional.empty());
              }
              return pass(dates, now, row.getLocalDate("coordinates_before"))
                  .compose(
                      removed ->
                          conn.preparedQuery(RetentionSql.PASSED)
                              .execute(Tuple.of(today, Database.utc(now)))
                              .map(Optional.of(removed)));
            });
  }

  private Future<Removed> pass(RetentionDates dates, Instant now, LocalDate coordinatesBefore) {
    List<String> dropped = new ArrayList<>();
    long[] counts = new long[5];
    // Keys go only once their events have gone, so a key never outlives its event's partition
    // and an event kept never loses its key.
    return JobHealth.inTurn(
            () ->
                dropExpired(RetentionDates.POSITIONS, dates, dropped)
                    .compose(v -> deleteDefault(RetentionDates.POSITIONS, dates.positionsFrom()))
                    .onSuccess(n -> counts[0] += n)
                    .compose(v -> dropExpired(RetentionDates.MAIN, dates, dropped))
                    .compose(v -> deleteDefault(RetentionDates.MAIN, dates.eventsFrom()))
                    .onSuccess(n -> counts[0] += n)
                    .compose(v -> deleteKeys(dates, 0))
                    .onSuccess(n -> counts[2] = n)
                    .compose(v -> pool.query(RetentionSql.DELETE_UNREADABLE).execute()),
            () ->
                clearCoordinates(coordinatesBefore, dates.positionsFrom())
                    .onSuccess(n -> counts[1] = n),
            () -> audit.apply(dates.auditFrom()).onSuccess(n -> counts[3] = n),
            () -> parents.forgetEnded(now, dates.messagesFrom()).onSuccess(n -> counts[4] = n))
        .map(
            v ->
                new Removed(
                    List.copyOf(dropped), counts[0], counts[1], counts[2], counts[3], counts[4]));
  }

  /** Drops the branch's partitions whose every day is older than what is kept, oldest first. */
  private Future<Void> dropExpired(String branch, RetentionDates dates, List<String> dropped) {
    return pool.preparedQuery(RetentionSql.PARTITIONS)
        .execute(Tuple.of(branch))
        .compose(
            rows -> {
              Future<Void> done = Future.succeededFuture();
              for (Row r : rows) {
                Optional<Partition> p = RetentionDates.named(r.getString("relname"));
                if (p.isPresent() && dates.expired(p.get())) {
                  String name = p.get().name();
                  done = done.compose(v -> drop(name)).onSuccess(v -> dropped.add(name));
                }
              }
              return done;
            });
  }

  private Future<Void> drop(String partition) {
    return pool.withTransaction(
        conn ->
            conn.query(RetentionSql.LOCK_TIMEOUT)
                .execute()
                .compose(v -> conn.query(RetentionSql.drop(partition)).execute())
                .mapEmpty());
  }

  private Future<Long> deleteDefault(String branch, LocalDate before) {
    return pool.preparedQuery(RetentionSql.deleteDefault(branch))
        .execute(Tuple.of(before))
        .map(rows -> (long) rows.rowCount());
  }

  /**
   * Clears coordinates from the events dated before {@code before} not cleared yet (all of them the
   * first time), a month of dates per statement.
   */
  private Future<Long> clearCoordinates(LocalDate clearedBefore, LocalDate before) {
    Future<LocalDate> first =
        pool.preparedQuery(RetentionSql.FIRST_MAIN_DATE)
            .execute(
                Tuple.of(clearedBefore == null ? LocalDate.of(1, 1, 1) : clearedBefore, before))
            .map(rows -> rows.iterator().next().getLocalDate(0));
    return first.compose(
        from -> {
          Future<Long> cleared = Future.succeededFuture(0L);
          LocalDate start = from == null ? before : from;
          for (LocalDate d = start; d.isBefore(before); d = d.plusDays(CLEAR_DAYS)) {
            LocalDate lo = d;
            LocalDate hi =
                d.plusDays(CLEAR_DAYS).isBefore(before) ? d.plusDays(CLEAR_DAYS) : before;
            cleared =
                cleared.compose(
                    n ->
                        pool.preparedQuery(RetentionSql.CLEAR_COORDINATES)
                            .execute(Tuple.of(lo, hi))
                            .map(rows -> n + rows.rowCount()));
          }
          return cleared.compose(
              n ->
                  pool.preparedQuery(RetentionSql.COORDINATES_CLEARED)
                      .execute(Tuple.of(before))
                      .map(n));
        });
  }

  /** The keys of removed events, a batch at a time so no one statement runs long. */
  private Future<Long> deleteKeys(RetentionDates dates, long sofar) {
    return pool.preparedQuery(RetentionSql.DELETE_KEYS)
        .execute(Tuple.of(dates.positionsFrom(), dates.eventsFrom(), KEY_BATCH))
        .compose(
            rows ->
                rows.rowCount() < KEY_BATCH
                    ? Future.succeededFuture(sofar + rows.rowCount())
                    : deleteKeys(dates, sofar + rows.rowCount()));
  }

  private static Tuple lockKey() {
    return Tuple.of(RetentionSql.LOCK);
  }
}
