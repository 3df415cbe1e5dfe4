package travelwatch.ingest;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import travelwatch.plan.PlanRoutes;

/** Clears the ownership cache whenever this node hears that the plan changed. */
public final class PlanOwnersRefresh extends VerticleBase {
  private final PlanOwners ownership;
  private MessageConsumer<Object> planChanged;

  public PlanOwnersRefresh(PlanOwners ownership) {
    this.ownership = ownership;
  }

  @Override
  public Future<?> start() {
    planChanged = vertx.eventBus().consumer(PlanRoutes.PLAN_CHANGED, m -> ownership.planChanged());
    return planChanged.completion();
  }

  @Override
  public Future<?> stop() {
    return planChanged.unregister();
  }
}
