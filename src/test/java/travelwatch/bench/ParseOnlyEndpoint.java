package travelwatch.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import java.nio.file.Path;

/**
 * Limit (a) of the ingest benchmark: a trivial Vert.x endpoint that only parses the JSON and
 * answers 202, in a process of its own as the server is. {@code main(port, instances)}.
 */
public final class ParseOnlyEndpoint {
  private ParseOnlyEndpoint() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int instances = Integer.parseInt(args[1]);
    // The same network transport as the server, so the limit is the server's own floor.
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    for (int i = 0; i < instances; i++) {
      vertx
          .createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
          .requestHandler(
              req ->
                  req.body()
                      .onSuccess(
                          body -> {
                            Object parsed = Json.decodeValue(body);
                            int n = parsed instanceof JsonArray a ? a.size() : 1;
                            req.response()
                                .setStatusCode(202)
                                .putHeader("Content-Type", "application/json")
                                .end("{\"accepted\":" + n + ",\"duplicates\":0}");
                          }))
          .listen(port)
          .await();
    }
    System.out.println("listening on " + port);
  }

  /** Starts it as a separate JVM on this test classpath; close the returned process to stop it. */
  static Process start(int port, int instances, Path workDir) {
    return BenchProcess.start(
        ParseOnlyEndpoint.class,
        port,
        workDir.resolve("parse-only.log"),
        String.valueOf(port),
        String.valueOf(instances));
  }
}
