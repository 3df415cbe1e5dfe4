package travelwatch.plan;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import travelwatch.plan.PlanStore.Counts;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;

/**
 * Upserts a plan document: reads it, checks every reference against the document and the store, and
 * writes it whole only when there is no problem at all.
 */
public final class PlanImport {
  /** Enough to fix a document in one round; the rest are counted in the detail. */
  static final int MAX_PROBLEMS_SHOWN = 1000;

  private final PlanStore store;

  public PlanImport(PlanStore store) {
    this.store = store;
  }

  public Future<Counts> upsert(JsonObject document) {
    PlanJson.Read read = PlanJson.read(document);
    Plan plan = read.plan();
    return store
        .lookup(PlanReferences.wanted(plan))
        .compose(
            stored -> {
              List<FieldProblem> problems = new ArrayList<>(read.problems());
              problems.addAll(PlanReferences.check(plan, stored));
              if (!problems.isEmpty()) {
                return Future.failedFuture(rejected(problems));
              }
              return store.write(plan);
            });
  }

  private static ApiException rejected(List<FieldProblem> problems) {
    String detail =
        "The plan has "
            + problems.size()
            + (problems.size() == 1 ? " problem" : " problems")
            + "; nothing was written."
            + (problems.size() > MAX_PROBLEMS_SHOWN
                ? " The first " + MAX_PROBLEMS_SHOWN + " are listed."
                : "");
    return ApiException.badRequest(
        detail, problems.subList(0, Math.min(problems.size(), MAX_PROBLEMS_SHOWN)));
  }
}
