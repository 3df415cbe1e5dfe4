package travelwatch.plan;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import travelwatch.plan.PlanReferences.Stored;
import travelwatch.plan.PlanReferences.Wanted;
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
  private final Vertx workers;

  /** Reads and checks documents on the calling thread: for commands and tests, not a server. */
  public PlanImport(PlanStore store) {
    this(store, null);
  }

  /**
   * Decodes, reads and checks documents on Vert.x worker threads, so that a large plan never holds
   * up an event loop; only the store's queries run on the caller's.
   */
  public PlanImport(PlanStore store, Vertx workers) {
    this.store = store;
    this.workers = workers;
  }

  public Future<Counts> upsert(JsonObject document) {
    return check(document).compose(checked -> store.write(checked.write()));
  }

  /** A request body, which must be a JSON object. */
  public Future<Counts> upsert(Buffer body) {
    return check(body).compose(checked -> store.write(checked.write()));
  }

  /**
   * A document that has no problem: its plan, the runs it removes, its reason (if it gives one),
   * its text, and its write, ready for {@link PlanStore#write(PlanStore.Write,
   * java.util.function.Function)}. The text is made again only if asked for: a large document's
   * parsed form is not kept beside its plan.
   */
  public record Checked(
      Plan plan,
      List<String> removedRuns,
      Optional<String> reason,
      Supplier<String> text,
      PlanStore.Write write) {}

  /** Reads and checks a document, failing with every problem it has; writes nothing. */
  public Future<Checked> check(JsonObject document) {
    return check(() -> document, document::encode);
  }

  /** A request body, which must be a JSON object; see {@link #check(JsonObject)}. */
  public Future<Checked> check(Buffer body) {
    return check(() -> object(body), () -> body.toString(StandardCharsets.UTF_8));
  }

  /** A document read, and what it refers to that must be looked up in the store. */
  private record Read(Supplier<String> text, PlanJson.Read read, Wanted wanted) {}

  private Future<Checked> check(Callable<JsonObject> document, Supplier<String> text) {
    return offLoop(
            () -> {
              PlanJson.Read read = PlanJson.read(document.call());
              return new Read(text, read, PlanReferences.wanted(read.plan()));
            })
        .compose(
            read ->
                store
                    .lookup(read.wanted(), read.read().removedRuns())
                    .compose(stored -> offLoop(() -> checked(read, stored))));
  }

  /** The plan's write, when neither the document nor its references to the store have a problem. */
  private static Checked checked(Read read, Stored stored) {
    List<FieldProblem> problems = new ArrayList<>(read.read().problems());
    problems.addAll(PlanReferences.check(read.read().plan(), stored));
    List<String> removed = read.read().removedRuns();
    for (int i = 0; i < removed.size(); i++) {
      if (!stored.runs().contains(removed.get(i))) {
        problems.add(FieldProblem.at("removedRuns[" + i + "]", "unknown run"));
      }
    }
    if (!problems.isEmpty()) {
      throw rejected(problems);
    }
    return new Checked(
        read.read().plan(),
        removed,
        Optional.ofNullable(read.read().reason()),
        read.text(),
        PlanStore.prepare(read.read().plan(), removed));
  }

  /**
   * Runs {@code work} on a worker thread when this import has workers, else on the calling thread:
   * for what a large plan makes slow.
   */
  public <T> Future<T> offLoop(Callable<T> work) {
    if (workers == null) {
      try {
        return Future.succeededFuture(work.call());
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
    }
    // Unordered: a long import must not queue this context's other blocking work behind it.
    return workers.executeBlocking(work, false);
  }

  private static JsonObject object(Buffer body) {
    try {
      if (body != null && Json.decodeValue(body) instanceof JsonObject document) {
        return document;
      }
    } catch (DecodeException e) {
      // reported below, as any other body that is not an object
    }
    throw ApiException.badRequest(
        "The body must be a JSON object.", List.of(FieldProblem.at("", "not a JSON object")));
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
