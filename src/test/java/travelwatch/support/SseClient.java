package travelwatch.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** A Server-Sent Events client of {@code /api/v1/stream}, collecting what it receives. */
public final class SseClient implements AutoCloseable {
  /** One received event. */
  public record Event(long id, String kind, JsonObject data) {}

  private final HttpClient client;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
  private final StringBuilder pending = new StringBuilder();
  public final int status;

  public SseClient(Vertx vertx, int port, String key, Long lastEventId) {
    this(vertx, port, "Authorization", "Bearer " + key, lastEventId);
  }

  /** The stream as a logged-in user sees it: with the session's cookie. */
  public static SseClient ofSession(Vertx vertx, int port, SessionLogin session) {
    return new SseClient(vertx, port, "Cookie", "tw_session=" + session.sessionId(), null);
  }

  private SseClient(Vertx vertx, int port, String header, String credential, Long lastEventId) {
    client = vertx.createHttpClient();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("localhost")
            .setPort(port)
            .setURI("/api/v1/stream")
            .putHeader(header, credential)
            .putHeader("Accept", "text/event-stream");
    if (lastEventId != null) {
      options.putHeader("Last-Event-ID", String.valueOf(lastEventId));
    }
    // The handler is set on the event loop as the headers arrive, so no early chunk is missed.
    HttpClientResponse response =
        client
            .request(options)
            .compose(req -> req.send())
            .map(
                r -> {
                  r.handler(buffer -> receive(buffer.toString()));
                  return r;
                })
            .await();
    status = response.statusCode();
  }

  private synchronized void receive(String chunk) {
    pending.append(chunk);
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String frame = pending.substring(0, end);
      pending.delete(0, end + 2);
      if (frame.startsWith(": heartbeat")) {
        heartbeats.incrementAndGet();
      }
      long id = -1;
      String kind = "message";
      StringBuilder data = new StringBuilder();
      for (String line : frame.split("\n")) {
        if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("event: ")) {
          kind = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
      if (data.length() > 0) {
        Event event = new Event(id, kind, new JsonObject(data.toString()));
        events.add(event);
        listeners.forEach(l -> l.accept(event));
      }
    }
  }

  /** Also hands each event to {@code listener} as it arrives, on the client's event loop. */
  public void onEvent(Consumer<Event> listener) {
    listeners.add(listener);
  }

  /** Keep-alive comments received so far. */
  public final java.util.concurrent.atomic.AtomicInteger heartbeats =
      new java.util.concurrent.atomic.AtomicInteger();

  public List<Event> events() {
    return events;
  }

  public Event await(String what, Duration deadline, Predicate<Event> match) {
    JarProcess.await(what, deadline, () -> events.stream().anyMatch(match));
    return find(match).orElseThrow();
  }

  public Optional<Event> find(Predicate<Event> match) {
    return events.stream().filter(match).findFirst();
  }

  @Override
  public void close() {
    client.close().await();
  }
}
