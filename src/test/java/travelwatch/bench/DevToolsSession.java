package travelwatch.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A DevTools protocol session on the page a ChromeDriver opened, over the browser's own debugging
 * port (the {@code goog:chromeOptions} debugger address): commands, and the Tracing domain's
 * events, which Selenium's {@code executeCdpCommand} cannot receive and its typed DevTools classes
 * offer only for the browser versions it was built with.
 */
final class DevToolsSession implements AutoCloseable {
  // Held for as long as the session: Vert.x closes a client, and its connections, once unreachable.
  private final WebSocketClient client;
  private final WebSocket socket;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Promise<JsonObject>> waiting = new ConcurrentHashMap<>();
  private final List<JsonObject> traceEvents = new ArrayList<>();
  private volatile Promise<List<JsonObject>> traceComplete;

  private DevToolsSession(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(this::received);
    socket.closeHandler(
        v -> {
          IllegalStateException closed =
              new IllegalStateException("the DevTools connection closed");
          waiting.values().forEach(p -> p.tryFail(closed));
          if (traceComplete != null) {
            traceComplete.tryFail(closed);
          }
        });
  }

  /** Attaches to the page the driver shows (its first page target). */
  @SuppressWarnings("unchecked")
  static DevToolsSession attach(Vertx vertx, ChromeDriver driver) {
    Map<String, Object> chrome =
        (Map<String, Object>) driver.getCapabilities().getCapability("goog:chromeOptions");
    String address = (String) chrome.get("debuggerAddress");
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon);
    int port = Integer.parseInt(address.substring(colon + 1));
    WebClient http = WebClient.create(vertx);
    JsonArray targets = http.get(port, host, "/json/list").send().await().bodyAsJsonArray();
    http.close();
    String url =
        targets.stream()
            .map(t -> (JsonObject) t)
            .filter(t -> "page".equals(t.getString("type")))
            .map(t -> t.getString("webSocketDebuggerUrl"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no page target in " + targets));
    WebSocketClient client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions().setMaxFrameSize(64 << 20).setMaxMessageSize(512 << 20));
    // Chromium refuses a DevTools connection that names an origin it was not told to allow.
    WebSocket socket =
        client
            .connect(new WebSocketConnectOptions().setAbsoluteURI(url).setAllowOriginHeader(false))
            .await();
    return new DevToolsSession(client, socket);
  }

  /** Sends a command and returns its result. */
  JsonObject send(String method, JsonObject params) {
    long id = ids.incrementAndGet();
    Promise<JsonObject> answer = Promise.promise();
    waiting.put(id, answer);
    socket
        .writeTextMessage(
            new JsonObject().put("id", id).put("method", method).put("params", params).encode())
        .onFailure(answer::tryFail);
    return answer.future().await();
  }

  /** Starts a performance trace of {@code categories}, its events kept until {@link #endTrace}. */
  void startTrace(String categories) {
    synchronized (traceEvents) {
      traceEvents.clear();
    }
    traceComplete = Promise.promise();
    send(
        "Tracing.start",
        new JsonObject().put("categories", categories).put("transferMode", "ReportEvents"));
  }

  /** Ends the trace and returns every event it recorded. */
  List<JsonObject> endTrace() {
    Future<List<JsonObject>> complete = traceComplete.future();
    send("Tracing.end", new JsonObject());
    return complete.await();
  }

  private void received(String text) {
    JsonObject message = new JsonObject(text);
    Long id = message.getLong("id");
    if (id != null) {
      Promise<JsonObject> answer = waiting.remove(id);
      if (answer == null) {
        return;
      }
      if (message.containsKey("error")) {
        answer.fail(message.getJsonObject("error").encode());
      } else {
        answer.complete(message.getJsonObject("result", new JsonObject()));
      }
      return;
    }
    String method = message.getString("method", "");
    if (method.equals("Tracing.dataCollected")) {
      JsonArray value = message.getJsonObject("params").getJsonArray("value");
      synchronized (traceEvents) {
        value.forEach(e -> traceEvents.add((JsonObject) e));
      }
    } else if (method.equals("Tracing.tracingComplete")) {
      synchronized (traceEvents) {
        traceComplete.tryComplete(new ArrayList<>(traceEvents));
      }
    }
  }

  @Override
  public void close() {
    socket.close();
    client.close();
  }
}
