package travelwatch.monitor;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * The run board as other capabilities read it: runs in the board's one JSON form ({@code Run} in
 * openapi.yaml), from the state the monitors saved.
 */
public final class RunBoard {
  private final RunBoardStore store;
  private final ZoneId zone;

  public RunBoard(Pool pool, ZoneId zone) {
    this.store = new RunBoardStore(pool, zone);
    this.zone = zone;
  }

  /** A day's runs to and from a school, by arrival time. */
  public Future<List<JsonObject>> ofSchool(LocalDate date, String schoolId) {
    return store
        .ofSchool(date, schoolId)
        .map(runs -> runs.stream().map(r -> RunJson.of(r, zone)).toList());
  }
}
