package travelwatch.support;

import io.vertx.sqlclient.Pool;

/**
 * A real failure in the database: a trigger that makes PostgreSQL refuse every insert or update of
 * a table, as a bad row or a broken migration would, until closed.
 */
public final class Refusal implements AutoCloseable {
  public static final String MESSAGE = "refused by the test";

  private final Pool pool;
  private final String table;

  private Refusal(Pool pool, String table) {
    this.pool = pool;
    this.table = table;
  }

  /** Refuses each row {@code operation} ({@code insert}, {@code update}) writes to the table. */
  public static Refusal of(Pool pool, String table, String operation) {
    pool.query(
            "create or replace function refuse_for_test() returns trigger language plpgsql as"
                + " $$ begin raise exception '"
                + MESSAGE
                + "'; end $$")
        .execute()
        .await();
    pool.query(
            "create trigger refuse_for_test before "
                + operation
                + " on "
                + table
                + " for each row execute function refuse_for_test()")
        .execute()
        .await();
    return new Refusal(pool, table);
  }

  @Override
  public void close() {
    pool.query("drop trigger refuse_for_test on " + table).execute().await();
  }
}
