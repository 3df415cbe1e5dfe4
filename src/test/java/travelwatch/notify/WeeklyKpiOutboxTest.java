package travelwatch.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.AccessStore;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.support.JarProcess;
import travelwatch.support.Mailbox;
import travelwatch.support.Mailbox.Mail;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@DisplayName("The weekly KPI email goes to the managers through the outbox")
class WeeklyKpiOutboxTest {

  @Test
  @DisplayName(
      "When the scheduled weekly snapshot is taken its table is emailed once to each manager, in"
          + " the council's layout with both parts; a recompute on request sends nothing")
  void weeklyTableEmailedOnce() {
    // Friday 27 November 2026, 17:00 in London: the week is not due until 18:00.
    TestClock clock = new TestClock(Instant.parse("2026-11-27T17:00:00Z"));
    try (Mailbox mailbox = new Mailbox()) {
      Map<String, String> env = new HashMap<>(mailbox.env());
      env.put("TW_KPI_REFRESH_SECONDS", "1");
      env.put("TW_MAIL_RELAY_MS", "50");
      try (TestServer server = new TestServer(env, clock)) {
        String admin = server.scopeKey(Scope.ADMIN);
        server.post("/api/v1/plan", admin, TwoOperators.json());
        // On start the scheduler catches up on the week before (ending 20/11), with no managers
        // yet: the managers are added once that is done, so only this week's email reaches them.
        JarProcess.await(
            "the catch-up snapshot of the week before",
            Duration.ofSeconds(20),
            () ->
                server
                        .pool()
                        .query(
                            "select count(*) from kpi_weekly_snapshot"
                                + " where week_ending = '2026-11-20'")
                        .execute()
                        .await()
                        .iterator()
                        .next()
                        .getLong(0)
                    > 0);
        AccessStore users = new AccessStore(server.pool());
        users.putUser("duty@council.test", Role.MANAGER, "not-used").await();
        users.putUser("head@council.test", Role.MANAGER, "not-used").await();
        users.putUser("viewer@council.test", Role.VIEWER, "not-used").await();

        clock.advance(Duration.ofMinutes(65));
        JarProcess.await(
            "the weekly KPI email to both managers",
            Duration.ofSeconds(20),
            () -> mailbox.copies(m -> m.subject().contains("weekly KPIs")).size() == 2);
        Mail mail = mailbox.copies(m -> m.subject().contains("weekly KPIs")).get(0);
        assertThat(mail.subject()).isEqualTo("TravelWatch weekly KPIs: week ending 27/11/2026");
        assertThat(mail.to()).containsExactly("duty@council.test", "head@council.test");
        assertThat(mail.contentType()).startsWith("multipart/alternative");
        assertThat(mail.html()).contains("<table").contains("Route Performance");
        assertThat(mail.text()).contains("Route Performance").contains("0.00% (0/2)");
        assertThat(mail.messageId()).isEqualTo("<kpi-week-2026-11-27-v1@council.test>");

        var recomputed = server.post("/api/v1/kpi/weekly/2026-11-27", admin, new JsonObject());
        assertThat(recomputed.statusCode()).isEqualTo(200);
        assertThat(
                server
                    .pool()
                    .query("select count(*) from outbox where kind = 'weekly_kpi'")
                    .execute()
                    .await()
                    .iterator()
                    .next()
                    .getLong(0))
            .isEqualTo(1);
        List<Mail> all = mailbox.copies(m -> m.subject().contains("weekly KPIs"));
        assertThat(all).hasSize(2);
      }
    }
  }
}
