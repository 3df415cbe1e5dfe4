package travelwatch.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanJson;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;

@Timeout(60)
@DisplayName("API keys: only known keys get in, and only admins change the plan")
class ApiKeyAccessTest {
  private static TestServer server;
  private static final JsonObject ONE_OPERATOR =
      PlanJson.write(
          new Plan(
              List.of(new Plan.Operator("OP1", "Oakfield Travel", "ops@op1.example")),
              List.of(),
              List.of(),
              List.of(),
              List.of(),
              List.of()));

  @BeforeAll
  static void start() {
    server = new TestServer();
    String admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, ONE_OPERATOR).statusCode()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("No key is a 401 problem")
  void missingKeyIs401() {
    var response = server.post("/api/v1/plan", null, ONE_OPERATOR);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.bodyAsJsonObject().getInteger("status")).isEqualTo(401);
  }

  @Test
  @DisplayName("An unknown key is a 401 problem")
  void unknownKeyIs401() {
    var response = server.post("/api/v1/plan", ApiKeys.newKey(), ONE_OPERATOR);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("not recognised");
  }

  @ParameterizedTest
  @EnumSource(
      value = Scope.class,
      names = {"TELEPHONY", "CASEWORK", "HR", "CONTROL"})
  @DisplayName("Council keys other than admin cannot change the plan (403)")
  void nonAdminScopesAreRefused(Scope scope) {
    var response = server.post("/api/v1/plan", server.scopeKey(scope), ONE_OPERATOR);
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  @DisplayName("An operator's key cannot change the plan (403)")
  void operatorKeyIsRefused() {
    var response = server.post("/api/v1/plan", server.operatorKey("OP1"), ONE_OPERATOR);
    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName("A key for an operator that is not in the plan cannot be created")
  void keyForUnknownOperatorIsRefused() {
    var store = new AccessStore(server.pool());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> store.createOperatorKey("OP-NOBODY").await())
        .hasMessageContaining("no operator 'OP-NOBODY'");
    assertThat(
            TestPostgres.count(
                server.database, "select count(*) from api_key where operator_id = 'OP-NOBODY'"))
        .isZero();
  }

  @Test
  @DisplayName("Keys are stored only as hashes")
  void keysAreStoredHashed() throws Exception {
    String key = server.scopeKey(Scope.TELEPHONY);
    try (var c = TestPostgres.connect(server.database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select key_hash, prefix from api_key")) {
      boolean found = false;
      while (rs.next()) {
        byte[] hash = rs.getBytes(1);
        assertThat(new String(hash, StandardCharsets.ISO_8859_1)).doesNotContain(key);
        found |= java.util.Arrays.equals(hash, ApiKeys.hash(key));
        assertThat(rs.getString(2).length()).isLessThan(key.length() / 2);
      }
      assertThat(found).isTrue();
    }
  }
}
