package travelwatch.ingest;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import travelwatch.plan.PlanRoutes;

/** Clears the ownership cache whenever this node hears that the plan changed. */
public final class OwnershipRefresh extends VerticleBase {
  private final Ownership ownership;
  private MessageConsumer<Object> planChanged;

  public OwnershipRefresh(Ownership ownership) {
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
