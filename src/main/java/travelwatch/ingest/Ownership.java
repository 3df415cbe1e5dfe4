package travelwatch.ingest;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which operator each run, crew member and pupil belongs to, looked up in the plan and cached: a
 * pupil belongs to every operator with a run that carries them. The cache is cleared whenever any
 * process changes the plan (PostgreSQL NOTIFY), and entries expire as a backstop.
 */
public final class Ownership {
  private static final long TTL_MILLIS = 5 * 60_000;
  private static final int LIMIT = 500_000;

  private record Entry(Set<String> operators, long expiresAt) {}

  enum Kind {
    RUN(IngestSql.RUN_OPERATORS),
    CREW(IngestSql.CREW_OPERATORS),
    PUPIL(IngestSql.PUPIL_OPERATORS);

    final String sql;

    Kind(String sql) {
      this.sql = sql;
    }
  }

  private final Pool pool;
  private final Clock clock;
  private final Map<Kind, ConcurrentHashMap<String, Entry>> cache = new HashMap<>();

  public Ownership(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    for (Kind kind : Kind.values()) {
      cache.put(kind, new ConcurrentHashMap<>());
    }
  }

  public void planChanged() {
    cache.values().forEach(Map::clear);
  }

  /** The operators of each id (empty set for an id that is not in the plan). */
  Future<Map<String, Set<String>>> operators(Kind kind, Set<String> ids) {
    Map<String, Set<String>> found = new HashMap<>();
    List<String> missing = new ArrayList<>();
    long now = clock.millis();
    ConcurrentHashMap<String, Entry> entries = cache.get(kind);
    for (String id : ids) {
      Entry e = entries.get(id);
      if (e != null && e.expiresAt() > now) {
        found.put(id, e.operators());
      } else {
        missing.add(id);
      }
    }
    if (missing.isEmpty()) {
      return Future.succeededFuture(found);
    }
    return pool.preparedQuery(kind.sql)
        .execute(Tuple.of(missing.toArray(String[]::new)))
        .map(
            rows -> {
              Map<String, Set<String>> loaded = new HashMap<>();
              for (Row r : rows) {
                loaded.computeIfAbsent(r.getString(0), k -> new HashSet<>()).add(r.getString(1));
              }
              if (entries.size() > LIMIT) {
                entries.clear();
              }
              for (String id : missing) {
                Set<String> operators = Set.copyOf(loaded.getOrDefault(id, Set.of()));
                found.put(id, operators);
                if (!operators.isEmpty()) { // unknown ids are not cached: a new plan may add them
                  entries.put(id, new Entry(operators, now + TTL_MILLIS));
                }
              }
              return found;
            });
  }
}
