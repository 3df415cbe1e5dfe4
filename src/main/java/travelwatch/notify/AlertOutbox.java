package travelwatch.notify;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import travelwatch.access.AccessStore;
import travelwatch.access.Role;
import travelwatch.alert.Alert;
import travelwatch.alert.AlertStore;
import travelwatch.notify.RoutingRule.Delivery;
import travelwatch.plan.PlanStore;
import travelwatch.plan.RunContext;

/**
 * Decides, in an alert change's own transaction, which emails it causes: the first email to the
 * immediate recipients (digest lines for the others), the escalation email, and the resolution
 * notice to everyone who was emailed about it. The outbox rows commit with the change or not at
 * all.
 */
public final class AlertOutbox implements AlertStore.AlertListener {
  private final AlertLetters letters;
  private final Clock serviceClock;
  private final Clock outboxClock;

  /**
   * Digest lines wait by the service's clock (the digest period is service time); outbox rows are
   * stamped by the relay's real clock, which decides when they are due.
   */
  public AlertOutbox(AlertLetters letters, Clock serviceClock, Clock outboxClock) {
    this.letters = letters;
    this.serviceClock = serviceClock;
    this.outboxClock = outboxClock;
  }

  @Override
  public Future<Void> changed(SqlConnection conn, Alert alert, String transition) {
    switch (transition) {
      case "raised":
        return raised(conn, alert);
      case "escalated":
        return escalated(conn, alert);
      case "resolved":
      case "condition_cleared":
        return "resolved".equals(alert.state()) ? resolved(conn, alert) : done();
      default:
        return done();
    }
  }

  private Future<Void> raised(SqlConnection conn, Alert alert) {
    return Outbox.rules(conn)
        .compose(
            table -> {
              Future<List<String>> now = expand(conn, recipients(table, Delivery.IMMEDIATE, alert));
              Future<List<String>> later = expand(conn, recipients(table, Delivery.DIGEST, alert));
              return Future.all(now, later)
                  .compose(
                      v -> {
                        List<String> digest = new ArrayList<>(later.result());
                        digest.removeAll(now.result());
                        List<Long> ids = new ArrayList<>();
                        List<String> transitions = new ArrayList<>();
                        digest.forEach(
                            r -> {
                              ids.add(alert.id());
                              transitions.add("raised");
                            });
                        Future<Void> lines =
                            Outbox.addToDigest(
                                conn, digest, ids, transitions, false, serviceClock.instant());
                        return lines.compose(
                            x ->
                                write(
                                    conn,
                                    alert,
                                    now.result(),
                                    c -> letters.raised(alert, c, now.result())));
                      });
            });
  }

  private Future<Void> escalated(SqlConnection conn, Alert alert) {
    return Outbox.rules(conn)
        .compose(table -> expand(conn, recipients(table, Delivery.ESCALATION, alert)))
        .compose(
            to -> write(conn, alert, to, c -> letters.escalated(alert, c, to, alert.raisedAt())));
  }

  private Future<Void> resolved(SqlConnection conn, Alert alert) {
    return Outbox.recipientsOf(conn, alert.id())
        .compose(to -> write(conn, alert, to, c -> letters.resolved(alert, c, to)));
  }

  /** Puts the email in the outbox, unless there is no one to send it to. */
  private Future<Void> write(
      SqlConnection conn,
      Alert alert,
      List<String> to,
      java.util.function.Function<AlertLetters.Context, Email> letter) {
    if (to.isEmpty()) {
      return done();
    }
    return context(conn, alert)
        .compose(c -> Outbox.enqueue(conn, letter.apply(c), outboxClock.instant()));
  }

  private static List<String> recipients(RoutingTable table, Delivery delivery, Alert a) {
    return table.recipients(delivery, a.type(), a.severity(), a.operatorId());
  }

  /** Email addresses as they are; {@code role:x} as every user with role x, now. */
  static Future<List<String>> expand(SqlClient sql, List<String> recipients) {
    TreeSet<String> emails = new TreeSet<>();
    List<Role> roles = new ArrayList<>();
    for (String r : recipients) {
      if (r.startsWith("role:")) {
        roles.add(Role.parse(r.substring(5)));
      } else {
        emails.add(r);
      }
    }
    if (roles.isEmpty()) {
      return Future.succeededFuture(new ArrayList<>(emails));
    }
    return AccessStore.emailsOfRoles(sql, roles)
        .map(
            found -> {
              emails.addAll(found);
              return new ArrayList<>(emails);
            });
  }

  private static Future<AlertLetters.Context> context(SqlClient sql, Alert alert) {
    Future<Optional<RunContext>> run =
        alert.runId() == null
            ? Future.succeededFuture(Optional.empty())
            : PlanStore.describeRun(sql, alert.runId());
    Future<Optional<String>> crewRole =
        alert.crewId() == null
            ? Future.succeededFuture(Optional.empty())
            : PlanStore.crewRole(sql, alert.crewId());
    return run.compose(
        r ->
            crewRole.compose(
                role ->
                    r.isPresent() || alert.operatorId() == null
                        ? Future.succeededFuture(
                            new AlertLetters.Context(r, Optional.empty(), role))
                        : PlanStore.operatorContact(sql, alert.operatorId())
                            .map(operator -> new AlertLetters.Context(r, operator, role))));
  }

  private static Future<Void> done() {
    return Future.succeededFuture();
  }
}
