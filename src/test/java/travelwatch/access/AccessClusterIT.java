package travelwatch.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import travelwatch.platform.db.Database;
import travelwatch.platform.db.PgEndpoint;
import travelwatch.support.ClusterNodes;
import travelwatch.support.JarProcess;
import travelwatch.support.TestPostgres;

/** Keys and users taken back on a real two-node cluster ({@code serve --cluster} processes). */
@Timeout(240)
@DisplayName("A cluster of two nodes: a revoked key or a disabled user is refused by both at once")
class AccessClusterIT {
  private static final String PASSWORD = "right-password-1";
  private static final String USER = "duty@council.test";
  @TempDir static Path dir;
  private static final Vertx vertx = Vertx.vertx();
  private static PgEndpoint db;
  private static Pool pool;
  private static ClusterNodes cluster;
  private static String admin;
  private static String control;

  @BeforeAll
  static void start() {
    db = TestPostgres.freshDatabase();
    cluster = new ClusterNodes(db, dir, 2, 2, Map.of());
    cluster.startAll(Duration.ofSeconds(120));
    pool = Database.pool(vertx, db, 2);
    AccessStore access = new AccessStore(pool);
    admin = access.createScopeKey(Scope.ADMIN).await();
    control = access.createScopeKey(Scope.CONTROL).await();
    access.putUser(USER, Role.CONTROLLER, PasswordHasher.hash(PASSWORD.toCharArray())).await();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (cluster != null) {
      cluster.close();
    }
    if (pool != null) {
      pool.close().await();
    }
    vertx.close().await();
  }

  private static WebClient client(int node) {
    return WebClient.create(
        vertx,
        new WebClientOptions()
            .setDefaultHost("localhost")
            .setDefaultPort(cluster.get(node).httpPort));
  }

  private static int runs(int node, String key) {
    return client(node)
        .get("/api/v1/runs")
        .putHeader("Authorization", "Bearer " + key)
        .send()
        .await()
        .statusCode();
  }

  @Test
  @DisplayName(
      "A key both nodes have cached, revoked on one, is a 401 on the other as soon as PostgreSQL's"
          + " notification arrives; a user disabled on one has no session on the other")
  void revokedOnOneRefusedOnBoth() {
    assertThat(runs(0, control)).isEqualTo(200);
    assertThat(runs(1, control)).isEqualTo(200);
    long id =
        new AccessStore(pool)
            .keys().await().stream()
                .filter(k -> "control".equals(k.scope()))
                .findFirst()
                .orElseThrow()
                .id();
    var revoked =
        client(0)
            .delete("/api/v1/keys/" + id)
            .putHeader("Authorization", "Bearer " + admin)
            .send()
            .await();
    assertThat(revoked.statusCode()).isEqualTo(204);
    assertThat(runs(0, control)).isEqualTo(401);
    JarProcess.await(
        "node1 to refuse the revoked key", Duration.ofSeconds(2), () -> runs(1, control) == 401);

    var login =
        client(1)
            .post("/api/v1/session")
            .putHeader("Content-Type", "application/json")
            .sendBuffer(new JsonObject().put("email", USER).put("password", PASSWORD).toBuffer())
            .await();
    assertThat(login.statusCode()).isEqualTo(200);
    String cookie = login.cookies().get(0);
    cookie = cookie.substring(0, cookie.indexOf(';'));
    assertThat(
            client(0)
                .get("/api/v1/session")
                .putHeader("Cookie", cookie)
                .send()
                .await()
                .statusCode())
        .isEqualTo(200);
    new AccessStore(pool)
        .changeUser(USER, new AccessStore.UserChange(null, null, null, true), null, Instant.now())
        .await();
    for (int node = 0; node < 2; node++) {
      assertThat(
              client(node)
                  .get("/api/v1/session")
                  .putHeader("Cookie", cookie)
                  .send()
                  .await()
                  .statusCode())
          .as("node %d", node)
          .isEqualTo(401);
    }
  }
}
