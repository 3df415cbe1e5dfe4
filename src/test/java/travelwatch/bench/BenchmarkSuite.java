package travelwatch.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Every benchmark in one run on this machine, written to {@code target/bench/report.md} and {@code
 * report.json}. Run with {@code mvn -B -Pbench -DskipTests verify}; {@code -Dbench.seconds=N} sets
 * the length of each measured run (default 15).
 */
public final class BenchmarkSuite {
  public static void main(String[] args) throws Exception {
    Path out = Path.of("target", "bench");
    Path work = out.resolve("work");
    deleteRecursively(work);
    Files.createDirectories(work);
    Duration each = Duration.ofSeconds(Long.getLong("bench.seconds", 15));

    JsonObject report =
        new JsonObject()
            .put("startedAt", OffsetDateTime.now().toString())
            .put(
                "machine",
                new JsonObject()
                    .put("cores", Runtime.getRuntime().availableProcessors())
                    .put("maxHeapBytes", Runtime.getRuntime().maxMemory())
                    .put("java", System.getProperty("java.version"))
                    .put(
                        "os",
                        System.getProperty("os.name") + " " + System.getProperty("os.version")));
    Progress.say(
        "benchmarks: %d cores, %d s per measured run",
        Runtime.getRuntime().availableProcessors(), each.toSeconds());
    // -Dbench.only=ingest|monitor|kpi|cluster|crew|parent|controlroom|tracker|mi|capacity runs
    // just that one.
    String only = System.getProperty("bench.only", "").trim();
    if (only.isEmpty() || only.equals("ingest")) {
      report.put("ingest", IngestBenchmark.run(work.resolve("ingest"), each));
    }
    if (only.isEmpty() || only.equals("monitor")) {
      report.put("monitor", MonitorBenchmark.run(work.resolve("monitor"), each));
    }
    if (only.equals("kpi") || only.isEmpty() && !Boolean.getBoolean("bench.skipKpi")) {
      report.put("kpi", KpiBenchmark.run(work.resolve("kpi")));
    }
    if (only.isEmpty() || only.equals("cluster")) {
      report.put("cluster", ClusterBenchmark.run(work.resolve("cluster"), each));
    }
    if (only.equals("crew")
        || only.isEmpty() && Files.isExecutable(travelwatch.support.Browser.CHROMIUM)) {
      report.put("crew", CrewAppBenchmark.run(work.resolve("crew")));
    }
    if (only.equals("parent")
        || only.isEmpty() && Files.isExecutable(travelwatch.support.Browser.CHROMIUM)) {
      report.put("parent", ParentBenchmark.run(work.resolve("parent"), each));
    }
    if (only.equals("controlroom")
        || only.isEmpty() && Files.isExecutable(travelwatch.support.Browser.CHROMIUM)) {
      report.put("controlroom", ControlRoomBenchmark.run(work.resolve("controlroom")));
    }
    if (only.isEmpty() || only.equals("tracker")) {
      report.put("tracker", TrackerBenchmark.run(work.resolve("tracker"), each));
    }
    if (only.isEmpty() || only.equals("mi")) {
      report.put("mi", MiBenchmark.run(work.resolve("mi")));
    }
    // Hours at the default ramp: only when asked for.
    if (only.equals("capacity")) {
      report.put("capacity", CapacityBenchmark.run(work.resolve("capacity")));
    }
    report.put("finishedAt", OffsetDateTime.now().toString());

    Files.writeString(out.resolve("report.json"), report.encodePrettily());
    Files.writeString(out.resolve("report.md"), markdown(report));
    System.out.println(markdown(report));
    System.exit(0);
  }

  private static String markdown(JsonObject r) {
    StringBuilder md = new StringBuilder("# TravelWatch benchmarks\n\n");
    JsonObject m = r.getJsonObject("machine");
    md.append("Machine: ")
        .append(m.getInteger("cores"))
        .append(" cores, Java ")
        .append(m.getString("java"))
        .append(", ")
        .append(m.getString("os"))
        .append(". Everything co-located: server, PostgreSQL and load generator.\n\n");
    JsonObject ingest = r.getJsonObject("ingest");
    if (ingest != null) {
      md.append("## Ingest (POST /api/v1/events)\n\n")
          .append("Each shape's limits (parse-only, COPY) and the group-insert floor (parse, ")
          .append("group commit, nothing else; empty table) are measured right after it. ")
          .append("Server warm-up until its JIT settled: ")
          .append(ingest.getLong("warmUpSeconds"))
          .append(" s.\n\n")
          .append(
              "| events/request | connections | durable events/s | ack p50 ms | ack p99 ms | parse-only events/s | COPY rows/s | combined limit | ratio to combined | ratio to COPY | group-insert floor events/s | ratio to floor | non-2xx |\n")
          .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      JsonArray shapes = ingest.getJsonArray("shapes");
      for (int i = 0; i < shapes.size(); i++) {
        JsonObject s = shapes.getJsonObject(i);
        md.append(
            String.format(
                "| %d | %d | %.0f | %.1f | %.1f | %.0f | %.0f | %.0f | %.2f | %.2f | %.0f | %.2f | %d |%n",
                s.getInteger("eventsPerRequest"),
                s.getInteger("connections"),
                s.getDouble("durableEventsPerSecond"),
                s.getDouble("ackP50Millis"),
                s.getDouble("ackP99Millis"),
                s.getDouble("parseOnlyEventsPerSecond"),
                s.getDouble("copyRowsPerSecond"),
                s.getDouble("combinedLimit"),
                s.getDouble("ratioToCombinedLimit"),
                s.getDouble("ratioToCopy"),
                s.getDouble("groupInsertFloorEventsPerSecond"),
                s.getDouble("ratioToFloor"),
                s.getLong("non2xx")));
      }
      md.append('\n');
    }
    JsonObject monitor = r.getJsonObject("monitor");
    if (monitor != null) {
      md.append("## Live monitoring\n\n")
          .append("| measure | goal | measured |\n")
          .append("|---|---|---|\n");
      JsonObject latency = monitor.getJsonObject("eventToAlert");
      md.append(
          row(
              latency,
              "event-to-alert p50 / p99 / max, client to SSE stream",
              "p99 ≤ 100 ms",
              l ->
                  String.format(
                      "%.1f / %.1f / %.1f ms (%d samples, %d lost) at %d background events/s (target %d); server-side p50 ≤ %s ms, p99 ≤ %s ms",
                      l.getDouble("p50Millis"),
                      l.getDouble("p99Millis"),
                      l.getDouble("maxMillis"),
                      l.getInteger("samples"),
                      l.getInteger("lost"),
                      l.getLong("backgroundPerSecond"),
                      l.getInteger("backgroundTargetPerSecond"),
                      l.getJsonObject("server").getValue("p50AtMostMillis"),
                      l.getJsonObject("server").getValue("p99AtMostMillis"))));
      md.append(
          row(
              monitor.getJsonObject("heap"),
              "heap per live run",
              "≤ 2 KB",
              h ->
                  String.format(
                      "%d B (run plan %d B, state %d B); %.1f MB for %d runs",
                      h.getLong("bytesPerRun"),
                      h.getLong("runPlanBytesPerRun"),
                      h.getLong("stateBytesPerRun"),
                      h.getDouble("retainedMegabytes"),
                      h.getInteger("runs"))));
      md.append(
          row(
              monitor.getJsonObject("replay"),
              "rebuild a full day from the store (replay + apply + tick)",
              "≤ 10 s",
              p -> {
                JsonObject first = p.getJsonObject("first");
                return String.format(
                    "%.2f s for %d events of %d runs (read+decode %.2f s, apply %.2f s, tick %.2f s); warm %.2f s; plan read %.2f s more",
                    first.getDouble("replaySeconds"),
                    first.getInteger("events"),
                    p.getInteger("runs"),
                    first.getDouble("readDecodeSeconds"),
                    first.getDouble("applySeconds"),
                    first.getDouble("tickSeconds"),
                    p.getJsonObject("warm").getDouble("replaySeconds"),
                    first.getDouble("planReadSeconds"));
              }));
      md.append('\n');
    }
    JsonObject kpi = r.getJsonObject("kpi");
    if (kpi != null) {
      md.append("## Weekly KPI snapshot over a year of Birmingham-scale data\n\n")
          .append("Data: ")
          .append(kpi.getJsonObject("data").encode())
          .append(" (loaded in ")
          .append(kpi.getDouble("loadSeconds"))
          .append(" s).\n\n")
          .append(
              "| weekly snapshot, first | median | max | daily snapshot | goal |\n|---|---|---|---|---|\n")
          .append(
              String.format(
                  "| %.0f ms | %.0f ms | %.0f ms | %.0f ms | ≤ 2000 ms |%n%n",
                  kpi.getDouble("weeklySnapshotFirstMillis"),
                  kpi.getDouble("weeklySnapshotMedianMillis"),
                  kpi.getDouble("weeklySnapshotMaxMillis"),
                  kpi.getDouble("dailySnapshotMillis")));
    }
    JsonObject capacity = r.getJsonObject("capacity");
    if (capacity != null) {
      CapacityBenchmark.markdown(md, capacity);
    }
    JsonObject cluster = r.getJsonObject("cluster");
    if (cluster != null) {
      md.append("## Cluster: two nodes against one, on the same machine\n\n")
          .append(
              "| nodes | durable events/s (100 events/request, 64 connections) | runs | ack p99 ms | event-to-alert p50 / p99 ms | samples | warm-up s |\n")
          .append("|---|---|---|---|---|---|---|\n");
      for (String which : new String[] {"oneNode", "twoProcessesUnclustered", "twoNodes"}) {
        JsonObject n = cluster.getJsonObject(which);
        JsonObject l = n.getJsonObject("eventToAlert");
        String kind =
            n.getBoolean("clustered")
                ? " (serve --cluster)"
                : n.getInteger("nodes") == 1 ? " (serve)" : " (serve, not clustered)";
        md.append(
            String.format(
                "| %d%s | %d | %s | %.1f | %s | %s | %d |%n",
                n.getInteger("nodes"),
                kind,
                n.getLong("durableEventsPerSecond"),
                n.getJsonArray("runs").encode(),
                n.getDouble("ackP99Millis"),
                l == null
                    ? "—"
                    : String.format(
                        "%.1f / %.1f", l.getDouble("p50Millis"), l.getDouble("p99Millis")),
                l == null ? "—" : String.valueOf(l.getInteger("samples")),
                n.getLong("warmUpSeconds")));
      }
      md.append(
          String.format(
              "%nTwo nodes reach %.2f of one node's throughput (goal: ≥ 0.70; two processes that"
                  + " are not clustered reach %.2f on these cores); event-to-alert p99 ×%.2f.%n%n",
              cluster.getDouble("throughputRatio"),
              cluster.getDouble("twoProcessesRatio"),
              cluster.getDouble("eventToAlertP99Ratio")));
    }
    JsonObject crew = r.getJsonObject("crew");
    if (crew != null) {
      md.append("\n## Crew app on a phone-sized Chromium (")
          .append(crew.getString("network"))
          .append(")\n\n")
          .append(
              String.format(
                  "First open %.2f s, downloading %d bytes; opened again with no signal %.2f s;"
                      + " an hour offline (%d events) flushed in %.2f s (%.0f events/s).%n",
                  crew.getDouble("firstOpenSeconds"),
                  crew.getLong("firstDownloadBytes"),
                  crew.getDouble("offlineOpenSeconds"),
                  crew.getInteger("hourOfflineEvents"),
                  crew.getDouble("flushSeconds"),
                  crew.getDouble("flushEventsPerSecond")));
    }
    JsonObject parent = r.getJsonObject("parent");
    if (parent != null) {
      parentMarkdown(md, parent);
    }
    JsonObject controlRoom = r.getJsonObject("controlroom");
    if (controlRoom != null) {
      controlRoomMarkdown(md, controlRoom);
    }
    JsonObject tracker = r.getJsonObject("tracker");
    if (tracker != null) {
      trackerMarkdown(md, tracker);
    }
    JsonObject mi = r.getJsonObject("mi");
    if (mi != null) {
      miMarkdown(md, mi);
    }
    return md.toString();
  }

  private static void controlRoomMarkdown(StringBuilder md, JsonObject c) {
    JsonObject server = c.getJsonObject("server");
    JsonObject load = c.getJsonObject("loadAverage");
    md.append("\n## The control-room page under a live morning\n\n")
        .append(
            String.format(
                "One `serve` (own JVM) on today's plan (%d routes, %d runs), clock from %s at %.0f×;"
                    + " %d AM runs started (%d events), each vehicle's position posted every %d s of"
                    + " service time through the operators' event API (%s). %s, signed in as a"
                    + " controller. Map at the start: \"%s\"; at the end: \"%s\". Alerts at the end:"
                    + " %s. Load average (1 min) sampled every 30 s: min %.2f, mean %.2f, max %.2f"
                    + " on %d cores.%n%n",
                server.getInteger("routes"),
                server.getInteger("runs"),
                server.getString("clockStart"),
                server.getDouble("clockSpeed"),
                server.getInteger("movingRuns"),
                server.getJsonObject("startEvents").getLong("events"),
                server.getLong("positionEveryServiceSeconds"),
                c.getJsonObject("feed").encode(),
                c.getString("browser"),
                c.getString("mapSummaryAtStart"),
                c.getString("mapSummaryAtEnd"),
                c.getJsonObject("alertsAtEnd").encode(),
                load.getDouble("min1m"),
                load.getDouble("mean1m"),
                load.getDouble("max1m"),
                Runtime.getRuntime().availableProcessors()))
        .append(
            "| window | frames presented | duration p50 / p95 / p99 ms | over 16.7 ms | over 50 ms"
                + " | frames by state | between frames drawn p50 / p99 ms | long tasks (count,"
                + " total, max ms) | positions posted |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    for (String which : new String[] {"framesAtStart", "framesAtEnd"}) {
      JsonObject f = c.getJsonObject(which);
      JsonObject frames = f.getJsonObject("frames");
      JsonObject draws = f.getJsonObject("drawFrameIntervals");
      JsonObject tasks = f.getJsonObject("longTasks");
      md.append(
          String.format(
              "| %s, %d s | %d | %s | %s | %s | %s | %s | %d, %d, %d | %d |%n",
              which.equals("framesAtStart")
                  ? "start"
                  : "after " + c.getLong("pageMinutes") + " min",
              f.getLong("seconds"),
              frames.getInteger("count"),
              p50to99(frames, true),
              percent(frames.getDouble("over16_7Share")),
              percent(frames.getDouble("over50Share")),
              f.getJsonObject("frameStates").encode(),
              p50to99(draws, false),
              tasks.getLong("count"),
              tasks.getLong("totalMillis"),
              tasks.getLong("maxMillis"),
              f.getLong("positionsPosted")));
    }
    JsonObject start = c.getJsonObject("heapAtStart");
    JsonObject end = c.getJsonObject("heapAtEnd");
    JsonObject stream = c.getJsonObject("stream");
    md.append(
        String.format(
            "%nPage after a collection: JS heap %.1f MB at the start, %.1f MB after %d min; DOM"
                + " nodes %d → %d (elements in the document %d → %d). The stream to a second"
                + " controller's client: %d bytes/s, %.1f `position` entries/s over %.0f s (%s).%n",
            start.getLong("jsHeapUsedBytes") / 1048576.0,
            end.getLong("jsHeapUsedBytes") / 1048576.0,
            end.getLong("minutes"),
            start.getLong("domNodes"),
            end.getLong("domNodes"),
            start.getLong("elementsInDocument"),
            end.getLong("elementsInDocument"),
            stream.getLong("bytesPerSecond"),
            stream.getDouble("positionEntriesPerSecond"),
            stream.getDouble("seconds"),
            stream.getJsonObject("entriesPerSecondByKind").encode()));
  }

  private static String p50to99(JsonObject d, boolean p95) {
    if (d.getInteger("count") == 0) {
      return "—";
    }
    return d.getDouble("p50Millis")
        + (p95 ? " / " + d.getDouble("p95Millis") : "")
        + " / "
        + d.getDouble("p99Millis");
  }

  private static String percent(Double share) {
    return share == null ? "—" : String.format("%.1f%%", share * 100);
  }

  private static void miMarkdown(StringBuilder md, JsonObject m) {
    JsonObject data = m.getJsonObject("data");
    JsonObject heap = m.getJsonObject("heap");
    md.append("\n## Monthly returns reconciled (PUT /api/v1/operators/{id}/mi/{month})\n\n")
        .append(
            String.format(
                "%s: %d school days, %d routes, %d runs, %d crew, %d operators; events %s"
                    + " (plan stored in %.1f s, events in %.1f s). Each operator's return sent"
                    + " in turn with its key to a TestServer in the benchmark's JVM (%d bytes of"
                    + " CSV in all). Load average (1 min) %.2f before, %.2f after.%n%n",
                data.getString("month"),
                data.getInteger("schoolDays"),
                data.getInteger("routes"),
                data.getInteger("runs"),
                data.getInteger("crew"),
                data.getInteger("operators"),
                data.getJsonObject("events").encode(),
                m.getDouble("planStoreSeconds"),
                m.getDouble("eventsStoreSeconds"),
                m.getLong("csvBytes"),
                m.getDouble("loadAverageBefore"),
                m.getDouble("loadAverageAfter")))
        .append(
            "| returns | all reconciled | per operator p50 | max | findings | heap used before /"
                + " after (after GC) | peak heap used (sum of the pools' peaks) |\n")
        .append("|---|---|---|---|---|---|---|\n")
        .append(
            String.format(
                "| %d | %.1f s | %.0f ms | %.0f ms | %d %s | %d / %d MB | %d MB of %d MB |%n%n",
                m.getInteger("returns"),
                m.getDouble("totalSeconds"),
                m.getDouble("perOperatorP50Millis"),
                m.getDouble("perOperatorMaxMillis"),
                m.getLong("findings"),
                m.getJsonObject("findingsByKind").encode(),
                heap.getLong("usedBeforeAfterGcBytes") >> 20,
                heap.getLong("usedAfterAfterGcBytes") >> 20,
                heap.getLong("peakUsedBytesSumOfPools") >> 20,
                heap.getLong("maxBytes") >> 20))
        .append("Heap: ")
        .append(heap.getString("source"))
        .append(".\n");
  }

  private static void trackerMarkdown(StringBuilder md, JsonObject t) {
    JsonObject server = t.getJsonObject("server");
    md.append("\n## Trackers' positions (/osmand beside /api/v1/events)\n\n")
        .append(
            String.format(
                "One `serve` (own JVM) on today's plan (%s, %d routes); operator %s's %d trackers,"
                    + " one on each of its %d started AM runs. One position a request, each a new"
                    + " fix time (none a duplicate): the OsmAnd query form as Traccar Client sends"
                    + " it, over wrk's %d kept-alive connections and over a new TCP connection per"
                    + " request (%d client threads, `Connection: close`); then the same positions"
                    + " as single `vehicle.position` events with the operator's key (wrk, %d"
                    + " kept-alive connections). %d s a step after %d s of JIT warm-up; positions"
                    + " stored are counted in the event table after each step.%n%n",
                server.getString("date"),
                server.getInteger("routes"),
                server.getString("operator"),
                server.getInteger("trackers"),
                server.getInteger("startedRuns"),
                t.getInteger("wrkConnections"),
                t.getInteger("freshClients"),
                t.getInteger("wrkConnections"),
                t.getLong("seconds"),
                t.getLong("warmUpSeconds")))
        .append(
            "| step | connections | requests/s | p50 ms | p99 ms | non-2xx | socket errors |"
                + " positions stored | stored/s | positions in the database |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Object o : t.getJsonArray("steps")) {
      JsonObject s = (JsonObject) o;
      md.append(
          String.format(
              "| %s | %d | %d | %.1f | %.1f | %d | %d | %d | %d | %d |%n",
              s.getString("step"),
              s.getInteger("connections"),
              s.getLong("requestsPerSecond"),
              s.getDouble("p50Millis"),
              s.getDouble("p99Millis"),
              s.getLong("non2xx"),
              s.getLong("socketErrors"),
              s.getLong("storedEvents"),
              s.getLong("storedPerSecond"),
              s.getLong("positionsInDatabase")));
    }
    md.append('\n');
  }

  private static void parentMarkdown(StringBuilder md, JsonObject p) {
    JsonObject data = p.getJsonObject("server");
    JsonObject answers = data.getJsonObject("todayAnswers");
    md.append("\n## Parents' page (/parent/)\n\n")
        .append(
            String.format(
                "One `serve` (own JVM, -Xmx512m) on today's plan (%d runs, %d pupils) with the day's"
                    + " %d events so far at %s London, %d parents' links; each pupil's %s answer"
                    + " %d bytes on average; journeys: %s. Load average (1 min) %.2f when the"
                    + " measurements began, %.2f at the end.%n%n",
                data.getLong("runs"),
                data.getInteger("pupils"),
                data.getLong("eventsSoFar"),
                data.getString("londonTime"),
                data.getInteger("links"),
                ParentBenchmark.TODAY,
                answers.getLong("meanBytes"),
                answers.getJsonObject("journeysByStatus").encode(),
                p.getDouble("loadAverageAtStart"),
                p.getDouble("loadAverageAtEnd")));
    JsonObject weight = p.getJsonObject("pageWeight");
    md.append("### Page weight\n\n");
    if (weight.containsKey("error")) {
      md.append("Not measured: ").append(weight.getString("error")).append("\n\n");
    } else {
      md.append("| file | loaded by | type | bytes | compressed bytes (encoding) |\n")
          .append("|---|---|---|---|---|\n");
      for (Object o : weight.getJsonArray("files")) {
        JsonObject f = (JsonObject) o;
        md.append(
            String.format(
                "| %s | %s | %s | %d | %d (%s) |%n",
                f.getString("path"),
                f.getString("loadedBy"),
                f.getString("contentType"),
                f.getLong("bytes"),
                f.getLong("compressedBytes"),
                f.getString("encoding")));
      }
      md.append(
          String.format(
              "| all files | | | %d | %d |%n%nThe browser downloaded %d bytes of files (headers"
                  + " included) and %d bytes of API answers at opening (%s).%n%n",
              weight.getLong("bytes"),
              weight.getLong("compressedBytes"),
              weight.getLong("browserFileTransferBytes"),
              weight.getLong("browserApiTransferBytes"),
              weight.getJsonArray("apiAtOpen").stream()
                  .map(a -> ((JsonObject) a).getString("path"))
                  .collect(java.util.stream.Collectors.joining(", "))));
    }
    JsonObject render = p.getJsonObject("firstRender");
    md.append("### First render on a throttled network\n\n");
    if (render.containsKey("error")) {
      md.append("Not measured: ").append(render.getString("error")).append("\n\n");
    } else {
      md.append(
          String.format(
              "Chromium %s viewport, %s, median of %d cold loads (a new browser each, nothing"
                  + " cached): first-contentful-paint %d ms, the journey's status sentence on"
                  + " screen %d ms after navigation start; %d bytes downloaded.%n%n",
              render.getString("viewport"),
              render.getString("network"),
              render.getInteger("coldLoads"),
              render.getLong("medianFirstContentfulPaintMillis"),
              render.getLong("medianStatusShownMillis"),
              render.getLong("medianDownloadedBytes")));
      md.append("| load | FCP ms | status on screen ms | document ms | today answered ms |\n")
          .append("|---|---|---|---|---|\n");
      JsonArray loads = render.getJsonArray("loads");
      for (int i = 0; i < loads.size(); i++) {
        JsonObject l = loads.getJsonObject(i);
        md.append(
            String.format(
                "| %d | %.0f | %.0f | %.0f | %s |%n",
                i + 1,
                l.getDouble("firstContentfulPaintMillis"),
                l.getDouble("statusShownMillis"),
                l.getDouble("documentReceivedMillis"),
                l.getValue("todayAnsweredMillis") == null
                    ? "—"
                    : String.format("%.0f", l.getDouble("todayAnsweredMillis"))));
      }
      md.append('\n');
    }
    JsonObject poll = p.getJsonObject("pollRate");
    md.append("### GET ").append(ParentBenchmark.TODAY).append(" under wrk\n\n");
    if (poll.containsKey("error")) {
      md.append("Failed: ").append(poll.getString("error")).append("\n\n");
    } else {
      md.append(
              String.format(
                  "wrk -t2 on the same 2 cores, %d distinct links' tokens in turn, after %d s of"
                      + " JIT warm-up.%n%n",
                  poll.getInteger("distinctTokens"), poll.getLong("warmUpSeconds")))
          .append(
              "| a poll asks | connections | requests/s | p50 ms | p90 ms | p99 ms | p99.9 ms |"
                  + " max ms | non-2xx | socket errors | server CPU (cores) | PostgreSQL CPU"
                  + " (cores) | pages polling every 30 s |\n")
          .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      JsonArray rows = poll.getJsonArray("shapes").copy().add(poll.getJsonObject("pagePoll"));
      for (int i = 0; i < rows.size(); i++) {
        JsonObject s = rows.getJsonObject(i);
        md.append(
            String.format(
                "| %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %d | %.2f | %.2f | %d"
                    + " |%n",
                s.getJsonArray("paths").stream()
                    .map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(" + ")),
                s.getInteger("connections"),
                s.getLong("requestsPerSecond"),
                s.getDouble("p50Millis"),
                s.getDouble("p90Millis"),
                s.getDouble("p99Millis"),
                s.getDouble("p999Millis"),
                s.getDouble("maxMillis"),
                s.getLong("non2xx"),
                s.getLong("socketErrors"),
                s.getDouble("serverCpuCores"),
                s.getDouble("postgresCpuCores"),
                s.getLong("pagesPolling")));
      }
      md.append(
          String.format(
              "%nAt the best rate of %s alone, one node answers the polls of %d pages polling"
                  + " every %d s (requests/s × %d), with the CPU left to nothing else; the page"
                  + " itself asks for its messages too at each poll (last row).%n%n",
              ParentBenchmark.TODAY,
              poll.getLong("pagesPerNode"),
              poll.getLong("pollEverySeconds"),
              poll.getLong("pollEverySeconds")));
    }
    JsonObject open = p.getJsonObject("openPages");
    md.append("### Open pages: keep-alive connections polling every 30 s\n\n");
    if (open.containsKey("error")) {
      md.append("Failed: ").append(open.getString("error")).append("\n\n");
    } else {
      JsonObject before = open.getJsonObject("before");
      md.append(
              String.format(
                  "Each page is one HTTP/1.1 keep-alive connection asking %s when it opens and"
                      + " every 30 s after (the page in a browser also asks for its messages at"
                      + " each poll). The whole RSS moves with the heap G1 keeps committed, so the"
                      + " RSS outside the heap's addresses (/proc/PID/smaps) is given too: the"
                      + " connections' native memory. Server before any page was open: heap %.1f"
                      + " MB after GC, RSS %.1f MB; after closing them all: heap %.1f MB, RSS %.1f"
                      + " MB.%n%n",
                  ParentBenchmark.TODAY,
                  before.getLong("heapBytes") / 1e6,
                  before.getLong("rssBytes") / 1e6,
                  open.getJsonObject("afterClosing").getLong("heapBytes") / 1e6,
                  open.getJsonObject("afterClosing").getLong("rssBytes") / 1e6))
          .append(
              "| open pages | heap after GC MB | heap per page B | RSS MB | RSS per page B | RSS"
                  + " outside the heap per page B | polls answered (s held) | poll p50 / p99 / max"
                  + " ms | failed | dropped | server CPU (cores) |\n")
          .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (Object o : open.getJsonArray("steps")) {
        JsonObject s = (JsonObject) o;
        JsonObject m = s.getJsonObject("memory");
        JsonObject polls = s.getJsonObject("polls");
        md.append(
            String.format(
                "| %d | %.1f | %d | %.1f | %d | %d | %d (%.0f) | %.1f / %.1f / %.1f | %d | %d |"
                    + " %.3f |%n",
                s.getInteger("pages") - s.getLong("notOpened"),
                m.getLong("heapBytes") / 1e6,
                s.getLong("heapBytesPerPage"),
                m.getLong("rssBytes") / 1e6,
                s.getLong("rssBytesPerPage"),
                s.getLong("rssOutsideHeapBytesPerPage"),
                polls.getLong("answered"),
                s.getDouble("heldSeconds"),
                polls.getDouble("p50Millis"),
                polls.getDouble("p99Millis"),
                polls.getDouble("maxMillis"),
                polls.getLong("failed") + polls.getLong("non200"),
                s.getLong("dropped"),
                s.getDouble("serverCpuCores")));
      }
      md.append('\n');
    }
  }

  private static String row(
      JsonObject part, String measure, String goal, Function<JsonObject, String> figures) {
    String measured =
        part == null
            ? "not run"
            : part.containsKey("error")
                ? "failed: " + part.getString("error")
                : figures.apply(part);
    return "| " + measure + " | " + goal + " | " + measured + " |\n";
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
