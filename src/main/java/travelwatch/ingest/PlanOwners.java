package travelwatch.ingest;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which operator each run, crew member and pupil belongs to (and the date each run runs on), looked
 * up in the plan and cached: a pupil belongs to every operator with a run that carries them. The
 * cache is cleared whenever any process changes the plan (PostgreSQL NOTIFY), and entries expire as
 * a backstop.
 */
public final class PlanOwners {
  private static final long TTL_MILLIS = 5 * 60_000;
  private static final int LIMIT = 500_000;

  /** Who an id belongs to; for a run, also the service date it runs on. */
  record Owners(Set<String> operators, LocalDate date) {
    static final Owners NONE = new Owners(Set.of(), null);

    boolean include(String operatorId) {
      return operators.contains(operatorId);
    }
  }

  private record Entry(Owners owners, long expiresAt) {}

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

  public PlanOwners(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    for (Kind kind : Kind.values()) {
      cache.put(kind, new ConcurrentHashMap<>());
    }
  }

  /** Counts plan changes, so a lookup that ran across one does not cache what it read. */
  private final java.util.concurrent.atomic.AtomicLong generation =
      new java.util.concurrent.atomic.AtomicLong();

  public void planChanged() {
    generation.incrementAndGet();
    cache.values().forEach(Map::clear);
  }

  /** The owners of each id ({@link Owners#NONE} for an id that is not in the plan). */
  Future<Map<String, Owners>> operators(Kind kind, Set<String> ids) {
    Map<String, Owners> found = new HashMap<>();
    List<String> missing = new ArrayList<>();
    long now = clock.millis();
    long asked = generation.get();
    ConcurrentHashMap<String, Entry> entries = cache.get(kind);
    for (String id : ids) {
      Entry e = entries.get(id);
      if (e != null && e.expiresAt() > now) {
        found.put(id, e.owners());
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
              Map<String, LocalDate> dates = new HashMap<>();
              for (Row r : rows) {
                loaded.computeIfAbsent(r.getString(0), k -> new HashSet<>()).add(r.getString(1));
                if (kind == Kind.RUN) {
                  dates.put(r.getString(0), r.getLocalDate(2));
                }
              }
              if (entries.size() > LIMIT) {
                entries.clear();
              }
              for (String id : missing) {
                Set<String> operators = loaded.get(id);
                if (operators == null) { // unknown ids are not cached: a new plan may add them
                  found.put(id, Owners.NONE);
                  continue;
                }
                Owners owners = new Owners(Set.copyOf(operators), dates.get(id));
                found.put(id, owners);
                // A plan change while this lookup ran makes its answer old: used, not kept.
                if (generation.get() == asked) {
                  entries.put(id, new Entry(owners, now + TTL_MILLIS));
                }
              }
              return found;
            });
  }
}
