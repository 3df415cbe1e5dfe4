package travelwatch.sim;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import travelwatch.sim.DayScript.Fault;
import travelwatch.sim.DayScript.Script;
import travelwatch.sim.DayScript.Scripted;

/**
 * Plays a {@link DayScript} against a running server through its public API, as the operators'
 * dispatch systems and the council's telephony would: events go out as the (shared, possibly
 * accelerated) clock passes their time, gathered per sender (see {@link Sender}); a 429, 503 or
 * network error is retried with the same eventIds, so a retry can only ever be a duplicate.
 */
public final class Simulator {
  private static final int MAX_BATCH = 1000; // the most a request may carry

  /** Requests out at once over all senders: the simulator's connections to each node. */
  public static final int MAX_IN_FLIGHT = 64;

  private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

  /** What was sent, what the server said, and what was injected. */
  public record Summary(
      long sent,
      long accepted,
      long duplicates,
      long retries,
      long rejected,
      int alertsSeen,
      Script script) {}

  private final Vertx vertx;
  private final List<WebClient> nodes;
  private final WebClient client;
  private final Duration batchEvery;
  private final Clock clock;
  private final ZoneId zone;
  private final Map<String, String> keys;
  private final String controlKey;
  private final Script script;
  private final Consumer<String> progress;
  private final AlertLatency latency;
  private final Consumer<JsonObject> measures;
  private final long startedNanos = System.nanoTime();

  private int next;
  private Iterator<Scripted> upcoming;
  private Scripted head;
  private int inFlight;
  private long gathered;
  private final Map<String, Sender> senders = new LinkedHashMap<>();
  private final ArrayDeque<Sender> ready = new ArrayDeque<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private volatile int alertsSeen;

  /**
   * One sender: an operator's dispatch system, gathering what its vehicles report and forwarding it
   * at most once per gap with one request in flight, or a driver's phone (the crew app), which
   * sends at once. Everything that came due while a request was out goes in the next one.
   */
  private static final class Sender {
    final String id;
    final WebClient client;
    final long gapNanos;
    final ArrayDeque<JsonObject> waiting = new ArrayDeque<>();
    boolean sending;
    boolean queued;
    long lastSentNanos;

    Sender(String id, WebClient client, long gapNanos) {
      this.id = id;
      this.client = client;
      this.gapNanos = gapNanos;
      this.lastSentNanos = System.nanoTime() - gapNanos;
    }

    boolean canSend(long now) {
      return !sending
          && !queued
          && !waiting.isEmpty()
          && (waiting.size() >= MAX_BATCH || now - lastSentNanos >= gapNanos);
    }
  }

  /**
   * With {@code latency}, also times each fault's alert; with {@code measures}, hands it what has
   * been measured every few seconds (see {@link #measures()}). Either may be null.
   */
  public Simulator(
      Vertx vertx,
      List<WebClient> nodes,
      Duration batchEvery,
      Clock clock,
      ZoneId zone,
      Map<String, String> keysBySender,
      String controlKey,
      Script script,
      Consumer<String> progress,
      AlertLatency latency,
      Consumer<JsonObject> measures) {
    this.latency = latency;
    this.measures = measures;
    this.vertx = vertx;
    this.nodes = List.copyOf(nodes);
    this.client = nodes.get(0);
    this.batchEvery = batchEvery;
    this.clock = clock;
    this.zone = zone;
    this.keys = keysBySender;
    this.controlKey = controlKey;
    this.script = script;
    this.progress = progress;
  }

  /**
   * Sends every event up to {@code until} (simulated time) and waits for each to be acknowledged.
   */
  public Future<Summary> run(Instant until) {
    Promise<Summary> done = Promise.promise();
    upcoming = script.play();
    head = upcoming.hasNext() ? upcoming.next() : null;
    long[] timers = new long[2];
    timers[0] =
        vertx.setPeriodic(
            100,
            t -> {
              Instant now = clock.instant();
              if (latency != null) {
                latency.clockAt(now, System.nanoTime(), speed());
              }
              while (head != null && !head.at().isAfter(now) && !head.at().isAfter(until)) {
                Scripted s = head;
                head = upcoming.hasNext() ? upcoming.next() : null;
                next++;
                if (latency != null) {
                  latency.sending(s);
                }
                sender(s.sender()).waiting.add(new JsonObject(s.event()));
                gathered++;
              }
              long nanos = System.nanoTime();
              for (Sender sender : senders.values()) {
                if (sender.canSend(nanos)) {
                  sender.queued = true;
                  ready.add(sender);
                }
              }
              pump();
              boolean finished =
                  (head == null || head.at().isAfter(until) || now.isAfter(until))
                      && gathered == 0
                      && inFlight == 0;
              if (finished) {
                vertx.cancelTimer(timers[0]);
                vertx.cancelTimer(timers[1]);
                lastAlerts()
                    .compose(x -> countAlerts())
                    .onComplete(
                        x -> {
                          report();
                          done.complete(
                              new Summary(
                                  sent.get(),
                                  accepted.get(),
                                  duplicates.get(),
                                  retries.get(),
                                  rejected.get(),
                                  alertsSeen,
                                  script));
                        });
              }
            });
    timers[1] = vertx.setPeriodic(5000, t -> countAlerts().onComplete(x -> report()));
    return done.future();
  }

  /**
   * What has been measured so far: real seconds since the start, the service clock, events due,
   * sent, accepted, duplicates, retried, refused, the backlog, alerts seen, and event-to-alert.
   */
  public JsonObject measures() {
    JsonObject m =
        new JsonObject()
            .put("realSeconds", Math.round((System.nanoTime() - startedNanos) / 1e6) / 1000.0)
            .put("serviceTime", clock.instant().atZone(zone).toLocalTime().withNano(0).toString())
            .put("due", next)
            .put("sent", sent.get())
            .put("accepted", accepted.get())
            .put("duplicates", duplicates.get())
            .put("retried", retries.get())
            .put("refused", rejected.get())
            .put("requests", requests.get())
            .put("backlog", backlog())
            .put("alerts", alertsSeen)
            .put(
                "cpuSeconds",
                ProcessHandle.current()
                        .info()
                        .totalCpuDuration()
                        .map(java.time.Duration::toMillis)
                        .orElse(0L)
                    / 1000.0);
    if (latency != null) {
      m.put("eventToAlert", latency.figures());
    }
    return m;
  }

  /** When the run started, as System.nanoTime: the origin of {@link #measures()}' seconds. */
  public long startedNanos() {
    return startedNanos;
  }

  private double speed() {
    return clock instanceof AcceleratedClock accelerated ? accelerated.speed() : 1.0;
  }

  /** Once every event is acknowledged: up to 15 s for the alerts of faults already shown. */
  private Future<Void> lastAlerts() {
    if (latency == null || latency.waiting() == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + 15_000_000_000L;
    vertx.setPeriodic(
        100,
        t -> {
          if (latency.waiting() == 0 || System.nanoTime() > deadline) {
            vertx.cancelTimer(t);
            done.complete();
          }
        });
    return done.future();
  }

  private void report() {
    if (measures != null) {
      measures.accept(measures());
    }
    progress.accept(
        String.format(
            "[sim %s] %d events sent, %d accepted, %d duplicates, %d retried, %d refused,"
                + " %d due but not yet acknowledged | %d alerts",
            HMS.format(clock.instant().atZone(zone)),
            sent.get(),
            accepted.get(),
            duplicates.get(),
            retries.get(),
            rejected.get(),
            backlog(),
            alertsSeen));
  }

  /** Events whose time has come that the server has not yet acknowledged: how far behind it is. */
  public long backlog() {
    return next - (accepted.get() + duplicates.get() + rejected.get());
  }

  private Sender sender(String id) {
    Sender sender = senders.get(id);
    if (sender == null) {
      long gap =
          id.startsWith(DayScript.crewSender(""))
              ? 0
              : Math.round(batchEvery.toNanos() / Math.max(speed(), 1e-9));
      sender = new Sender(id, nodes.get(Math.floorMod(id.hashCode(), nodes.size())), gap);
      senders.put(id, sender);
    }
    return sender;
  }

  private void pump() {
    while (inFlight < MAX_IN_FLIGHT && !ready.isEmpty()) {
      Sender sender = ready.poll();
      sender.queued = false;
      JsonArray batch = new JsonArray();
      while (batch.size() < MAX_BATCH && !sender.waiting.isEmpty()) {
        batch.add(sender.waiting.poll());
      }
      gathered -= batch.size();
      sender.sending = true;
      sender.lastSentNanos = System.nanoTime();
      inFlight++;
      sent.addAndGet(batch.size());
      send(sender, batch, 0)
          .onComplete(
              x -> {
                inFlight--;
                sender.sending = false;
                if (sender.waiting.size() >= MAX_BATCH) {
                  sender.queued = true;
                  ready.add(sender);
                }
                pump();
              });
    }
  }

  private Future<Void> send(Sender sender, JsonArray batch, int attempt) {
    requests.incrementAndGet();
    return sender
        .client
        .post("/api/v1/events")
        .putHeader("Authorization", "Bearer " + keys.get(sender.id))
        .putHeader("Content-Type", "application/json")
        .sendBuffer(batch.toBuffer())
        .transform(
            result -> {
              if (result.succeeded() && result.result().statusCode() == 202) {
                JsonObject body = result.result().bodyAsJsonObject();
                if (latency != null) {
                  latency.acknowledged(batch, System.nanoTime());
                }
                accepted.addAndGet(body.getInteger("accepted"));
                duplicates.addAndGet(body.getInteger("duplicates"));
                return Future.succeededFuture();
              }
              HttpResponse<Buffer> response = result.succeeded() ? result.result() : null;
              int status = response == null ? 0 : response.statusCode();
              if (status == 0 || status == 429 || status == 503) {
                retries.incrementAndGet();
                long wait = retryAfterMillis(response, attempt);
                Promise<Void> retried = Promise.promise();
                vertx.setTimer(wait, t -> send(sender, batch, attempt + 1).onComplete(retried));
                return retried.future();
              }
              rejected.addAndGet(batch.size());
              if (rejected.get() <= 5 * MAX_BATCH) {
                progress.accept("refused (" + status + "): " + response.bodyAsString());
              }
              return Future.succeededFuture();
            });
  }

  private static long retryAfterMillis(HttpResponse<Buffer> response, int attempt) {
    String header = response == null ? null : response.getHeader("Retry-After");
    if (header != null) {
      try {
        return Math.max(100, Long.parseLong(header.trim()) * 1000);
      } catch (NumberFormatException ignored) {
        // fall back to backoff
      }
    }
    return Math.min(10_000, 200L << Math.min(attempt, 6));
  }

  private Future<Void> countAlerts() {
    if (controlKey == null) {
      return Future.succeededFuture();
    }
    LocalDate today = clock.instant().atZone(zone).toLocalDate();
    return AlertsReader.all(client, controlKey, today)
        .map(
            alerts -> {
              alertsSeen = alerts.size();
              return null;
            })
        .otherwiseEmpty()
        .mapEmpty();
  }

  /**
   * Checks the store's alerts against what was injected: each fault its alerts, healthy runs none.
   */
  public static List<String> mismatches(Script script, JsonArray alerts) {
    return mismatches(script, alerts, Instant.MAX);
  }

  /**
   * As {@link #mismatches(Script, JsonArray)} for a day played until {@code until}: only faults due
   * at least an hour before it are judged.
   */
  public static List<String> mismatches(Script script, JsonArray alerts, Instant until) {
    Map<String, Fault> byRun = new HashMap<>();
    script.faults().forEach(f -> byRun.put(f.runId(), f));
    Map<String, Set<String>> typesByRun = new HashMap<>();
    for (int i = 0; i < alerts.size(); i++) {
      JsonObject a = alerts.getJsonObject(i);
      String runId = a.getString("runId");
      if (runId != null) {
        typesByRun.computeIfAbsent(runId, k -> new HashSet<>()).add(a.getString("type"));
      }
    }
    List<String> problems = new ArrayList<>();
    for (Fault f : script.faults()) {
      if (until != Instant.MAX && f.firstPickup().plusSeconds(3600).isAfter(until)) {
        continue;
      }
      Set<String> seen = typesByRun.getOrDefault(f.runId(), Set.of());
      for (String expected : f.kind().expected) {
        if (!seen.contains(expected)) {
          problems.add(f.kind() + " on " + f.runId() + ": no " + expected + " alert");
        }
      }
      for (String type : seen) {
        if (!f.kind().expected.contains(type) && !f.kind().allowed.contains(type)) {
          problems.add(f.kind() + " on " + f.runId() + ": unexpected " + type + " alert");
        }
      }
    }
    typesByRun.forEach(
        (runId, types) -> {
          if (!byRun.containsKey(runId)) {
            problems.add("healthy run " + runId + " raised " + types);
          }
        });
    return problems;
  }
}
