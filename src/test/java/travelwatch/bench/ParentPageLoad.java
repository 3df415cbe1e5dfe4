package travelwatch.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import travelwatch.support.Browser;
import travelwatch.support.JarProcess;

/**
 * The parents' page in a phone-sized Chromium: every file it loads as the server serves it (with
 * and without compression), and how soon a cold load (a new browser, nothing cached, a new
 * connection) paints, and shows the journey's status sentence, on the crew app's throttled network.
 * The sentence is caught by a script that DevTools adds before the page's own: it watches the page
 * for a visible text that is one of the journeys' messages (those of the page's own answer from
 * {@code /api/v1/parent/today}, and of one asked just before) and notes the time once the frame
 * that shows it has been painted.
 */
final class ParentPageLoad {
  static final int COLD_LOADS = 5;
  private static final String PAGE = "/parent/";
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Added before the page's scripts: notes when a journey's message is first on screen. */
  private static final String WATCH =
      """
      (() => {
        const wanted = new Set(%s);
        let done = false;
        const shown = (el) =>
          el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
        const check = () => {
          if (done || !document.body) return;
          const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walk.nextNode(); n; n = walk.nextNode()) {
            const text = n.data.trim();
            if (text && wanted.has(text) && n.parentElement && shown(n.parentElement)) {
              done = true;
              window.__twStatusText = text;
              // The next frame paints it; the task after that frame runs once it has.
              requestAnimationFrame(() =>
                setTimeout(() => (window.__twStatusShownAt = performance.now()), 0));
              return;
            }
          }
        };
        const fetched = window.fetch;
        window.fetch = function (...args) {
          const answer = fetched.apply(this, args);
          const url = String((args[0] && args[0].url) || args[0]);
          if (url.includes('/api/v1/parent/today')) {
            answer
              .then((r) => r.clone().json())
              .then((j) => {
                (j.journeys || []).forEach((x) => x.message && wanted.add(x.message));
                check();
              })
              .catch(() => {});
          }
          return answer;
        };
        new MutationObserver(check).observe(document, {
          subtree: true, childList: true, characterData: true, attributes: true,
        });
      })();
      """;

  private static final String LOADED =
      """
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource');
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      const today = res.find((r) => r.name.includes('/api/v1/parent/today'));
      return JSON.stringify({
        entries: [nav].concat(res).map((e) => ({
          url: e.name, initiator: e.initiatorType || 'navigation', transfer: e.transferSize || 0,
          encoded: e.encodedBodySize || 0, decoded: e.decodedBodySize || 0 })),
        links: [...document.querySelectorAll('link[href]')]
          .map((l) => ({ rel: l.rel, href: l.href })),
        fcp: paint ? paint.startTime : null,
        status: window.__twStatusShownAt,
        statusText: window.__twStatusText,
        documentEnd: nav.responseEnd,
        domContentLoaded: nav.domContentLoadedEventEnd,
        load: nav.loadEventEnd,
        todayEnd: today ? today.responseEnd : null,
      });
      """;

  private ParentPageLoad() {}

  /** Every file the page loads, fetched again as served: plain, and compressed if it is. */
  static JsonObject weight(Path work, String base, String token) throws Exception {
    JsonObject seen = load(work.resolve("profile"), base, token, false);
    Map<String, String> files = new LinkedHashMap<>();
    JsonArray api = new JsonArray();
    long browserFiles = 0;
    long browserApi = 0;
    for (Object o : seen.getJsonArray("entries")) {
      JsonObject e = (JsonObject) o;
      String url = e.getString("url").replaceFirst("#.*$", "");
      if (URI.create(url).getPath().startsWith("/api/")) {
        api.add(
            new JsonObject()
                .put("path", URI.create(url).getPath())
                .put("transferBytes", e.getLong("transfer"))
                .put("bodyBytes", e.getLong("encoded")));
        browserApi += e.getLong("transfer");
      } else {
        files.putIfAbsent(url, e.getString("initiator"));
        browserFiles += e.getLong("transfer");
      }
    }
    // Icons and a manifest are fetched by the browser itself, outside the page's timings.
    for (Object o : seen.getJsonArray("links")) {
      JsonObject l = (JsonObject) o;
      String rel = l.getString("rel");
      String href = l.getString("href");
      if (!href.startsWith("http") || !(rel.contains("icon") || rel.equals("manifest"))) {
        continue;
      }
      files.putIfAbsent(href, rel);
      if (rel.equals("manifest")) {
        JsonObject manifest =
            new JsonObject(new String(get(href, "identity").body(), StandardCharsets.UTF_8));
        for (Object i : manifest.getJsonArray("icons", new JsonArray())) {
          files.putIfAbsent(
              URI.create(href).resolve(((JsonObject) i).getString("src")).toString(), "manifest");
        }
      }
    }
    JsonArray served = new JsonArray();
    long plain = 0;
    long compressed = 0;
    for (Map.Entry<String, String> f : files.entrySet()) {
      HttpResponse<byte[]> identity = get(f.getKey(), "identity");
      HttpResponse<byte[]> packed = get(f.getKey(), "gzip, deflate, br");
      if (identity.statusCode() != 200) {
        throw new IllegalStateException(f.getKey() + " answered " + identity.statusCode());
      }
      plain += identity.body().length;
      compressed += packed.body().length;
      served.add(
          new JsonObject()
              .put("path", URI.create(f.getKey()).getPath())
              .put("loadedBy", f.getValue())
              .put("contentType", identity.headers().firstValue("content-type").orElse(""))
              .put("bytes", identity.body().length)
              .put("compressedBytes", packed.body().length)
              .put("encoding", packed.headers().firstValue("content-encoding").orElse("none")));
    }
    Progress.say(
        "parents' page: %d files, %d bytes (%d compressed); the browser downloaded %d bytes of"
            + " files and %d of API answers",
        served.size(), plain, compressed, browserFiles, browserApi);
    return new JsonObject()
        .put("files", served)
        .put("bytes", plain)
        .put("compressedBytes", compressed)
        .put("acceptEncoding", "gzip, deflate, br")
        .put("browserFileTransferBytes", browserFiles)
        .put("apiAtOpen", api)
        .put("browserApiTransferBytes", browserApi);
  }

  /**
   * {@link #COLD_LOADS} cold loads on the throttled network, each a different parent's link:
   * first-contentful-paint and the journey's status sentence on screen, from navigation start.
   */
  static JsonObject firstRender(Path work, String base, List<String> tokens) throws Exception {
    JsonArray loads = new JsonArray();
    List<Double> fcp = new ArrayList<>();
    List<Double> status = new ArrayList<>();
    List<Double> bytes = new ArrayList<>();
    for (int i = 0; i < COLD_LOADS; i++) {
      String token = tokens.get((i * 701) % tokens.size());
      JsonObject seen = load(work.resolve("cold" + i), base, token, true);
      if (seen.getValue("fcp") == null) {
        throw new IllegalStateException("Chromium reported no first-contentful-paint");
      }
      long downloaded = 0;
      for (Object o : seen.getJsonArray("entries")) {
        downloaded += ((JsonObject) o).getLong("transfer");
      }
      JsonObject one =
          new JsonObject()
              .put("firstContentfulPaintMillis", ms(seen, "fcp"))
              .put("statusShownMillis", ms(seen, "status"))
              .put("statusText", seen.getString("statusText"))
              .put("documentReceivedMillis", ms(seen, "documentEnd"))
              .put("domContentLoadedMillis", ms(seen, "domContentLoaded"))
              .put("todayAnsweredMillis", ms(seen, "todayEnd"))
              .put("loadEventMillis", ms(seen, "load"))
              .put("downloadedBytes", downloaded);
      loads.add(one);
      fcp.add(one.getDouble("firstContentfulPaintMillis"));
      status.add(one.getDouble("statusShownMillis"));
      bytes.add((double) downloaded);
      Progress.say(
          "parents' page, cold load %d/%d: first paint %.0f ms, status on screen %.0f ms (\"%s\"),"
              + " %d bytes",
          i + 1,
          COLD_LOADS,
          one.getDouble("firstContentfulPaintMillis"),
          one.getDouble("statusShownMillis"),
          one.getString("statusText"),
          downloaded);
    }
    return new JsonObject()
        .put("network", CrewAppBenchmark.NETWORK)
        .put("viewport", "412x915")
        .put("coldLoads", COLD_LOADS)
        .put("medianFirstContentfulPaintMillis", Math.round(ParentBenchmark.median(fcp)))
        .put("medianStatusShownMillis", Math.round(ParentBenchmark.median(status)))
        .put("medianDownloadedBytes", Math.round(ParentBenchmark.median(bytes)))
        .put("loads", loads);
  }

  /** Opens the page in a new browser (a profile of its own) and waits for the journey's status. */
  private static JsonObject load(Path profile, String base, String token, boolean throttled)
      throws Exception {
    JsonArray expected = new JsonArray();
    HttpResponse<String> today =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + ParentBenchmark.TODAY))
                .header("Authorization", "Bearer " + token)
                .build(),
            BodyHandlers.ofString());
    for (Object j : new JsonObject(today.body()).getJsonArray("journeys")) {
      expected.add(((JsonObject) j).getString("message"));
    }
    ChromeDriver browser = Browser.start(profile, 412, 915);
    try {
      CrewAppBenchmark.network(browser, false, throttled);
      browser.executeCdpCommand(
          "Page.addScriptToEvaluateOnNewDocument",
          Map.of("source", WATCH.formatted(expected.encode())));
      browser.get(base + PAGE + "#t=" + token);
      JarProcess.await(
          "the journey's status on the parents' page",
          WAIT,
          () ->
              Boolean.TRUE.equals(
                  browser.executeScript("return window.__twStatusShownAt !== undefined")));
      return new JsonObject((String) browser.executeScript(LOADED));
    } finally {
      browser.quit();
    }
  }

  private static HttpResponse<byte[]> get(String url, String acceptEncoding) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).header("Accept-Encoding", acceptEncoding).build(),
        BodyHandlers.ofByteArray());
  }

  private static Double ms(JsonObject seen, String key) {
    Number n = (Number) seen.getValue(key);
    return n == null ? null : Math.round(n.doubleValue() * 10) / 10.0;
  }
}
