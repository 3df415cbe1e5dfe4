package travelwatch.access;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import travelwatch.platform.db.Database;

/**
 * Parents' links: a link gives whoever holds its token a view of one pupil's journeys, until it
 * expires (the end of the school year) or is revoked. The token is 256 random bits and only its
 * hash is stored; the council sends the link through its own channels.
 */
public final class ParentLinks {
  private static final String TOKEN_PREFIX = "twp_";

  /** A new link as its maker reads it, once: the token is never shown again. */
  public record NewLink(long linkId, String token, Instant expiresAt) {}

  /** A link as staff see it (never its token). */
  public record Link(
      long linkId,
      String pupilId,
      String createdBy,
      Instant createdAt,
      Instant expiresAt,
      Instant revokedAt) {}

  private final Pool pool;
  private final Clock clock;

  public ParentLinks(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Whether a bearer credential is a parent's link token. */
  public static boolean isLinkToken(String credential) {
    return credential.startsWith(TOKEN_PREFIX);
  }

  public Future<Boolean> pupilExists(String pupilId) {
    return pool.preparedQuery(AccessSql.PUPIL_EXISTS)
        .execute(Tuple.of(pupilId))
        .map(rows -> rows.size() > 0);
  }

  public Future<NewLink> create(String pupilId, String createdBy, Instant expiresAt) {
    String token = TOKEN_PREFIX + Secrets.random();
    return pool.preparedQuery(AccessSql.INSERT_PARENT_LINK)
        .execute(
            Tuple.of(
                pupilId,
                Buffer.buffer(Secrets.sha256(token)),
                createdBy,
                Database.utc(clock.instant()),
                Database.utc(expiresAt)))
        .map(rows -> new NewLink(rows.iterator().next().getLong(0), token, expiresAt));
  }

  public Future<List<Link>> ofPupil(String pupilId) {
    return pool.preparedQuery(AccessSql.PARENT_LINKS_OF_PUPIL)
        .execute(Tuple.of(pupilId))
        .map(
            rows -> {
              List<Link> links = new ArrayList<>();
              for (Row r : rows) {
                links.add(
                    new Link(
                        r.getLong("id"),
                        r.getString("pupil_id"),
                        r.getString("created_by"),
                        r.getOffsetDateTime("created_at").toInstant(),
                        r.getOffsetDateTime("expires_at").toInstant(),
                        r.getOffsetDateTime("revoked_at") == null
                            ? null
                            : r.getOffsetDateTime("revoked_at").toInstant()));
              }
              return links;
            });
  }

  /**
   * Revokes a link within the caller's transaction, which then deletes what hangs on it; the pupil
   * the link was for, or empty if there is no such link.
   */
  public static Future<Optional<String>> revoke(SqlClient conn, long linkId, Instant at) {
    return conn.preparedQuery(AccessSql.REVOKE_PARENT_LINK)
        .execute(Tuple.of(linkId, Database.utc(at)))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(rows.iterator().next().getString("pupil_id")));
  }

  /** The link a token stands for, if it is live now. Never cached: a revoked link ends at once. */
  public Future<Optional<Caller>> callerForToken(String token) {
    return pool.preparedQuery(AccessSql.PARENT_LINK_BY_HASH)
        .execute(Tuple.of(Buffer.buffer(Secrets.sha256(token)), Database.utc(clock.instant())))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(new Caller.ParentLink(r.getLong("id"), r.getString("pupil_id")));
            });
  }
}
