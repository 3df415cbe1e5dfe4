package travelwatch.mi;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.time.Duration;
import java.time.YearMonth;
import travelwatch.alert.AlertStore;
import travelwatch.alert.AlertType;
import travelwatch.alert.Condition;
import travelwatch.live.LiveEvents;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.jobs.JobHealth;
import travelwatch.platform.jobs.Passes;

/**
 * Raises {@code operator.mi_overdue} for each operator with runs in the latest month whose return
 * is past due and who has sent none: once per operator and month, whichever node looks first
 * ({@code mi_overdue} in the health's jobs).
 */
final class MiOverdue {
  private final MiStore store;
  private final MiCalendar calendar;
  private final AlertStore alerts;
  private final ServiceClock time;
  private final EventBus bus;

  MiOverdue(
      MiStore store, MiCalendar calendar, AlertStore alerts, ServiceClock time, EventBus bus) {
    this.store = store;
    this.calendar = calendar;
    this.alerts = alerts;
    this.time = time;
    this.bus = bus;
  }

  /** The job: a pass every {@code every}; nothing on the bus wakes it. */
  Passes<LiveEvents.Published> job(Duration every, JobHealth jobs) {
    return new Passes<>(
        jobs.job("mi_overdue"),
        every,
        LiveEvents.ADDRESS,
        message -> false,
        this::raiseDue,
        "overdue monthly return(s) raised");
  }

  Future<Integer> raiseDue() {
    YearMonth month = calendar.latestOverdueMonth(time.today());
    return store
        .markOverdue(
            month,
            time.now(),
            operatorId ->
                conn ->
                    alerts.raiseWithin(
                        conn,
                        new Condition(
                            AlertType.OPERATOR_MI_OVERDUE,
                            "mi:" + operatorId + ":" + month,
                            time.today(),
                            null,
                            operatorId,
                            null,
                            null,
                            operatorId
                                + " has sent no monthly return for "
                                + month
                                + ", due by "
                                + calendar.dueOn(month))))
        .map(
            events -> {
              LiveEvents.publish(bus, events);
              return (int) events.stream().filter(e -> "alert".equals(e.kind())).count();
            });
  }
}
