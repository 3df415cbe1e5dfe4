package travelwatch.platform.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Function;
import travelwatch.config.TravelWatchConfig.HttpConfig;

/** One HTTP server instance; the service deploys one per core, all sharing the port. */
public final class HttpVerticle extends VerticleBase {
  private final HttpConfig config;
  private final Function<Vertx, Router> routes;

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
            .setTcpNoDelay(true);
    return vertx.createHttpServer(options).requestHandler(routes.apply(vertx)).listen();
  }
}
