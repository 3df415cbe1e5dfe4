package travelwatch.tracker;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import travelwatch.access.Caller;

/**
 * The tracker registry: an operator's trackers, each fitted to one vehicle. A tracker's id is made
 * here, 160 random bits (27 characters): it is all the OsmAnd protocol sends, so it must not be
 * guessable. A revoked tracker is refused at once (never cached).
 */
public final class Trackers {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One registered tracker, as the operator sees it. */
  public record Tracker(
      String trackerId,
      String operatorId,
      String vehicleReg,
      String label,
      String uniqueId,
      OffsetDateTime createdAt) {}

  private final Pool pool;
  private final Clock clock;

  public Trackers(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  static String newId() {
    byte[] bytes = new byte[20];
    RANDOM.nextBytes(bytes);
    return "trk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Whether the operator is in the plan. */
  public Future<Boolean> operatorExists(String operatorId) {
    return pool.preparedQuery(TrackerSql.OPERATOR_EXISTS)
        .execute(Tuple.of(operatorId))
        .map(rows -> rows.size() > 0);
  }

  /**
   * Registers a tracker; empty when {@code uniqueId} is already a live tracker's of the operator.
   */
  public Future<Optional<Tracker>> register(
      String operatorId, String vehicleReg, String label, String uniqueId, String by) {
    String id = newId();
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    return pool.withTransaction(
        conn -> {
          Future<Boolean> taken =
              uniqueId == null
                  ? Future.succeededFuture(false)
                  : conn.preparedQuery(TrackerSql.UNIQUE_ID_TAKEN)
                      .execute(Tuple.of(operatorId, uniqueId))
                      .map(rows -> rows.size() > 0);
          return taken.compose(
              t -> {
                if (t) {
                  return Future.succeededFuture(Optional.<Tracker>empty());
                }
                return conn.preparedQuery(TrackerSql.REGISTER)
                    .execute(
                        Tuple.wrap(
                            new ArrayList<>(
                                java.util.Arrays.asList(
                                    id, operatorId, vehicleReg, label, uniqueId, now, by))))
                    .map(
                        rows ->
                            Optional.of(
                                new Tracker(id, operatorId, vehicleReg, label, uniqueId, now)));
              });
        });
  }

  public Future<List<Tracker>> list(String operatorId) {
    return pool.preparedQuery(TrackerSql.LIST)
        .execute(Tuple.of(operatorId))
        .map(
            rows -> {
              List<Tracker> found = new ArrayList<>();
              for (Row r : rows) {
                found.add(
                    new Tracker(
                        r.getString("id"),
                        r.getString("operator_id"),
                        r.getString("vehicle_reg"),
                        r.getString("label"),
                        r.getString("unique_id"),
                        r.getOffsetDateTime("created_at")));
              }
              return found;
            });
  }

  /** Revokes the operator's own tracker; false when it has none of that id (or it is revoked). */
  public Future<Boolean> revoke(String trackerId, String operatorId) {
    return pool.preparedQuery(TrackerSql.REVOKE)
        .execute(
            Tuple.of(
                trackerId,
                operatorId,
                OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC)))
        .map(rows -> rows.rowCount() > 0);
  }

  /** The live tracker of this id, as a caller. */
  public Future<Optional<Caller.Tracker>> byId(String trackerId) {
    return pool.preparedQuery(TrackerSql.BY_ID).execute(Tuple.of(trackerId)).map(Trackers::first);
  }

  /** The operator's live tracker with this Traccar uniqueId, as a caller. */
  public Future<Optional<Caller.Tracker>> byUniqueId(String operatorId, String uniqueId) {
    return pool.preparedQuery(TrackerSql.BY_UNIQUE_ID)
        .execute(Tuple.of(operatorId, uniqueId))
        .map(Trackers::first);
  }

  private static Optional<Caller.Tracker> first(io.vertx.sqlclient.RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row r = rows.iterator().next();
    return Optional.of(
        new Caller.Tracker(
            r.getString("id"), r.getString("operator_id"), r.getString("vehicle_reg")));
  }

  /** The run the tracker's vehicle is on, on the service date of its fix. */
  public Future<Optional<String>> runOf(Caller.Tracker tracker, LocalDate date) {
    return pool.preparedQuery(TrackerSql.RUN_OF_VEHICLE)
        .execute(Tuple.of(tracker.operatorId(), date, normalised(tracker.vehicleReg())))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(rows.iterator().next().getString("id")));
  }

  static String normalised(String vehicleReg) {
    return vehicleReg.replace(" ", "").toUpperCase(Locale.ROOT);
  }
}
