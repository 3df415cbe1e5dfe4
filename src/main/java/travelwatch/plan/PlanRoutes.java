package travelwatch.plan;

/**
 * The plan's event-bus address. The plan's routes ({@code POST /api/v1/plan}) are route change
 * control's: see {@code travelwatch.planchange}.
 */
public final class PlanRoutes {
  /**
   * Published (with no body) on each node's own event bus when any process has committed a plan
   * change, so caches of the plan can be cleared; see {@link PlanChangeListener}.
   */
  public static final String PLAN_CHANGED = "travelwatch.plan.changed";

  /** The plan's full path: its body may be larger than any other endpoint's. */
  public static final String PATH = "/api/v1/plan";

  private PlanRoutes() {}
}
