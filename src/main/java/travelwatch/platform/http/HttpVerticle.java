package travelwatch.platform.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import travelwatch.config.TravelWatchConfig.HttpConfig;

/**
 * One HTTP server instance; the service deploys one per core, all sharing the port. A connection
 * silent for the idle time is closed, and so is one whose request headers have not all arrived
 * within it (a client trickling them a byte at a time is never silent, but is cut off all the
 * same).
 */
public final class HttpVerticle extends VerticleBase {
  private final HttpConfig config;
  private final Function<Vertx, Router> routes;

  /** Each connection's deadline for its next request's headers; on this verticle's loop only. */
  private final Map<HttpConnection, Long> headerDeadlines = new HashMap<>();

  public HttpVerticle(HttpConfig config, Function<Vertx, Router> routes) {
    this.config = config;
    this.routes = routes;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.host())
            .setPort(config.port())
            .setCompressionSupported(true)
            // The live stream is server-sent events; no WebSocket extension is ever negotiated.
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            .setTcpNoDelay(true)
            // HTTP/1.1 only: telling it from cleartext HTTP/2 waits for a client's first bytes,
            // and a connection becomes one (with its deadline) only after that.
            .setHttp2ClearTextEnabled(false)
            .setIdleTimeout((int) config.idle().toSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS);
    Router router = routes.apply(vertx);
    HttpServer server = vertx.createHttpServer(options);
    server.connectionHandler(
        connection -> {
          connection.closeHandler(v -> disarm(connection));
          arm(connection);
        });
    server.requestHandler(
        request -> {
          HttpConnection connection = request.connection();
          disarm(connection);
          // Keep-alive: once this answer is sent, the next request's headers have their deadline.
          request.response().endHandler(v -> arm(connection));
          router.handle(request);
        });
    return server.listen();
  }

  private void arm(HttpConnection connection) {
    disarm(connection);
    long timer =
        vertx.setTimer(
            config.idle().toMillis(),
            t -> {
              headerDeadlines.remove(connection);
              connection.close();
            });
    headerDeadlines.put(connection, timer);
  }

  private void disarm(HttpConnection connection) {
    Long timer = headerDeadlines.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}
