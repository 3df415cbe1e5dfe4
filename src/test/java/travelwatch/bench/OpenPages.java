package travelwatch.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parents' pages held open against one server: each page is one HTTP/1.1 keep-alive connection that
 * asks {@code /api/v1/parent/today} when it opens and again every 30 s (each page at its own moment
 * of the 30 s), as the page does on a phone. With the server warm, {@link #STEPS} pages are opened
 * in turn and held for {@code bench.seconds}; at each step the server's heap after a full
 * collection ({@code jcmd GC.run}, then its {@code /metrics}) and its resident memory ({@code
 * /proc}) are read and set against the same before any page was open; then every page is closed and
 * both are read again. The resident memory moves with the heap the JVM keeps committed (which it
 * grows and gives back as it sees fit), so it is also given without it: resident memory outside the
 * heap, the connections' own native memory.
 */
final class OpenPages {
  private static final int[] STEPS = {2000, 5000};
  private static final int OPENING_AT_ONCE = 200;
  private static final HttpClient METRICS =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private OpenPages() {}

  static JsonObject run(int port, long pid, List<String> tokens, Duration hold) throws Exception {
    Vertx vertx = Vertx.vertx();
    HttpClientAgent client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setIdleTimeout(0).setConnectTimeout(10_000));
    HttpConnectOptions server = new HttpConnectOptions().setHost("localhost").setPort(port);
    Window window = new Window();
    List<Page> pages = new ArrayList<>();
    Random random = new Random(1);
    try {
      JsonObject before = memory(pid, port);
      Progress.say(
          "open pages: none open, server heap %.1f MB after GC, RSS %.1f MB",
          before.getLong("heapBytes") / 1e6, before.getLong("rssBytes") / 1e6);
      JsonArray steps = new JsonArray();
      for (int target : STEPS) {
        long opening = System.nanoTime();
        while (pages.size() < target) {
          List<Future<Void>> batch = new ArrayList<>();
          for (int i = 0; i < OPENING_AT_ONCE && pages.size() < target; i++) {
            Page page = new Page(tokens.get(pages.size() % tokens.size()));
            pages.add(page);
            long offset = 1 + random.nextInt((int) ParentBenchmark.POLL_EVERY.toMillis());
            batch.add(page.open(client, server, vertx, offset, window));
          }
          Future.join(batch).await();
        }
        double openSeconds = (System.nanoTime() - opening) / 1e9;
        long notOpen = pages.stream().filter(p -> !p.open).count();

        window.start();
        long cpuBefore = cpuNanos(pid);
        long held = System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(hold.toNanos());
        double heldSeconds = (System.nanoTime() - held) / 1e9;
        double cpu = (cpuNanos(pid) - cpuBefore) / 1e9 / heldSeconds;
        JsonObject polls = window.stop();
        JsonObject now = memory(pid, port);
        long open = pages.size() - notOpen;
        JsonObject step =
            new JsonObject()
                .put("pages", pages.size())
                .put("notOpened", notOpen)
                .put("openSeconds", ParentBenchmark.round1(openSeconds))
                .put("dropped", window.dropped.get())
                .put("memory", now)
                .put(
                    "heapBytesPerPage",
                    Math.round(
                        (double) (now.getLong("heapBytes") - before.getLong("heapBytes")) / open))
                .put(
                    "rssBytesPerPage",
                    Math.round(
                        (double) (now.getLong("rssBytes") - before.getLong("rssBytes")) / open))
                .put(
                    "rssOutsideHeapBytesPerPage",
                    Math.round(
                        (double)
                                (now.getLong("rssOutsideHeapBytes")
                                    - before.getLong("rssOutsideHeapBytes"))
                            / open))
                .put("heldSeconds", ParentBenchmark.round1(heldSeconds))
                .put("serverCpuCores", Math.round(cpu * 1000) / 1000.0)
                .put("polls", polls);
        steps.add(step);
        Progress.say(
            "open pages: %d open (%d not opened, %d dropped): heap %.1f MB after GC (%d B a page),"
                + " RSS %.1f MB (%d B a page); %d polls in %.0f s, p50 %.1f ms, p99 %.1f ms, %d"
                + " failed; server CPU %.3f cores",
            pages.size(),
            notOpen,
            window.dropped.get(),
            now.getLong("heapBytes") / 1e6,
            step.getLong("heapBytesPerPage"),
            now.getLong("rssBytes") / 1e6,
            step.getLong("rssBytesPerPage"),
            polls.getLong("answered"),
            heldSeconds,
            polls.getDouble("p50Millis"),
            polls.getDouble("p99Millis"),
            polls.getLong("failed") + polls.getLong("non200"),
            cpu);
      }
      List<Future<Void>> closing = new ArrayList<>();
      for (Page page : pages) {
        closing.add(page.close(vertx));
      }
      Future.join(closing).await();
      TimeUnit.SECONDS.sleep(2);
      JsonObject after = memory(pid, port);
      Progress.say(
          "open pages: all closed, server heap %.1f MB after GC, RSS %.1f MB",
          after.getLong("heapBytes") / 1e6, after.getLong("rssBytes") / 1e6);
      return new JsonObject()
          .put("path", ParentBenchmark.TODAY)
          .put("pollEverySeconds", ParentBenchmark.POLL_EVERY.toSeconds())
          .put("before", before)
          .put("steps", steps)
          .put("afterClosing", after);
    } finally {
      client.close().await();
      vertx.close().await();
    }
  }

  /** One parent's page: its connection and its poll. */
  private static final class Page {
    private final String token;
    private HttpClientConnection connection;
    private volatile boolean open;
    private volatile boolean closing;
    private long timer = -1;

    Page(String token) {
      this.token = token;
    }

    /** Connects and asks once, then every 30 s from {@code offset} ms on; never fails. */
    Future<Void> open(
        HttpClientAgent client,
        HttpConnectOptions server,
        Vertx vertx,
        long offset,
        Window window) {
      return client
          .connect(server)
          .compose(
              c -> {
                connection = c;
                c.closeHandler(
                    v -> {
                      if (!closing) {
                        window.dropped.incrementAndGet();
                      }
                    });
                return poll(window);
              })
          .map(
              status -> {
                open = status == 200;
                if (open) {
                  timer =
                      vertx.setPeriodic(
                          offset, ParentBenchmark.POLL_EVERY.toMillis(), id -> poll(window));
                }
                return (Void) null;
              })
          .otherwise((Void) null);
    }

    Future<Integer> poll(Window window) {
      long started = System.nanoTime();
      return connection
          .request(
              new RequestOptions()
                  .setMethod(HttpMethod.GET)
                  .setURI(ParentBenchmark.TODAY)
                  .putHeader("Accept", "application/json")
                  .putHeader("Authorization", "Bearer " + token))
          .compose(HttpClientRequest::send)
          .compose(r -> r.body().map(body -> r.statusCode()))
          .onSuccess(status -> window.answered(status, System.nanoTime() - started))
          .onFailure(e -> window.failed());
    }

    Future<Void> close(Vertx vertx) {
      closing = true;
      if (timer != -1) {
        vertx.cancelTimer(timer);
      }
      return connection == null ? Future.succeededFuture() : connection.close();
    }
  }

  /** What the pages' polls met while a step was held. */
  private static final class Window {
    private final Queue<Long> latencies = new ConcurrentLinkedQueue<>();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong non200 = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    private volatile boolean on;

    void start() {
      latencies.clear();
      ok.set(0);
      non200.set(0);
      failed.set(0);
      on = true;
    }

    void answered(int status, long nanos) {
      if (on) {
        (status == 200 ? ok : non200).incrementAndGet();
        latencies.add(nanos);
      }
    }

    void failed() {
      if (on) {
        failed.incrementAndGet();
      }
    }

    JsonObject stop() {
      on = false;
      List<Long> l = new ArrayList<>(latencies);
      return new JsonObject()
          .put("answered", ok.get())
          .put("non200", non200.get())
          .put("failed", failed.get())
          .put("p50Millis", millis(EventToAlertLatency.percentile(l, 0.50)))
          .put("p99Millis", millis(EventToAlertLatency.percentile(l, 0.99)))
          .put("maxMillis", millis(EventToAlertLatency.percentile(l, 1.0)));
    }
  }

  /**
   * The server's memory: heap used after a full collection (the least of three), heap committed,
   * non-heap and direct buffers from its {@code /metrics}, and its resident set from {@code /proc}.
   */
  static JsonObject memory(long pid, int port) throws Exception {
    long heap = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      jcmd(pid, "GC.run");
      heap = Math.min(heap, metric(port, "jvm_memory_used_bytes", "area=\"heap\""));
    }
    long[] resident = resident(pid, heapRange(pid));
    return new JsonObject()
        .put("heapBytes", heap)
        .put("heapCommittedBytes", metric(port, "jvm_memory_committed_bytes", "area=\"heap\""))
        .put("nonHeapBytes", metric(port, "jvm_memory_used_bytes", "area=\"nonheap\""))
        .put("directBufferBytes", metric(port, "jvm_buffer_memory_used_bytes", "id=\"direct\""))
        .put("rssBytes", resident[0] + resident[1])
        .put("rssHeapBytes", resident[0])
        .put("rssOutsideHeapBytes", resident[1]);
  }

  /** The addresses the Java heap is reserved at, from {@code jcmd GC.heap_info}: [from, to). */
  private static long[] heapRange(long pid) throws Exception {
    Matcher m =
        Pattern.compile("heap .*\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)")
            .matcher(jcmd(pid, "GC.heap_info"));
    if (!m.find()) {
      throw new IllegalStateException("jcmd GC.heap_info named no heap addresses");
    }
    return new long[] {
      Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)
    };
  }

  /**
   * The process's resident memory ({@code /proc/PID/smaps}): in the heap's address range, and
   * outside it.
   */
  private static long[] resident(long pid, long[] heap) throws IOException {
    long inHeap = 0;
    long outside = 0;
    boolean heapMapping = false;
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps"))) {
      int dash = line.indexOf('-');
      int space = line.indexOf(' ');
      if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
        long from = Long.parseUnsignedLong(line.substring(0, dash), 16);
        long to = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
        heapMapping = from >= heap[0] && to <= heap[1];
      } else if (line.startsWith("Rss:")) {
        long bytes = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        if (heapMapping) {
          inHeap += bytes;
        } else {
          outside += bytes;
        }
      }
    }
    return new long[] {inHeap, outside};
  }

  static String jcmd(long pid, String command) throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid),
                command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out);
    }
    return out;
  }

  /** The sum of a metric's series whose labels include {@code label}. */
  private static long metric(int port, String name, String label) throws Exception {
    String text =
        METRICS
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") && line.substring(0, line.indexOf('}')).contains(label)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Math.round(sum);
  }

  static long cpuNanos(long pid) {
    return ProcessHandle.of(pid).map(OpenPages::cpuNanos).orElse(0L);
  }

  static long cpuNanos(ProcessHandle process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 1e5) / 10.0;
  }
}
