package travelwatch.platform.db;

import io.vertx.pgclient.PgConnectOptions;
import travelwatch.config.PgUrl;

/** How to reach the PostgreSQL database the service uses, embedded or external. */
public record PgEndpoint(String host, int port, String database, String user, String password) {

  public static PgEndpoint of(PgUrl url) {
    return new PgEndpoint(url.host(), url.port(), url.database(), url.user(), url.password());
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  public PgEndpoint withDatabase(String other) {
    return new PgEndpoint(host, port, other, user, password);
  }

  public PgConnectOptions connectOptions() {
    PgConnectOptions options =
        new PgConnectOptions()
            .setHost(host)
            .setPort(port)
            .setDatabase(database)
            .setUser(user)
            .setCachePreparedStatements(true)
            .setPipeliningLimit(256);
    if (password != null) {
      options.setPassword(password);
    }
    return options;
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
