package travelwatch.webhook;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import travelwatch.support.TestServer;

/**
 * An operator's webhook receiver: a real HTTP server on loopback that keeps every request it is
 * sent and answers 204. It can be stopped (connections refused) and started again on its port.
 */
final class WebhookReceiver implements AutoCloseable {
  /** One request as it arrived: its path, the three Standard Webhooks headers and the body. */
  record Received(String path, String id, String timestamp, String signature, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    /**
     * Whether the signature is the secret's, checked here from the specification, not with the
     * service's own code: HMAC-SHA256 over {@code id.timestamp.body} keyed with the secret's bytes.
     */
    boolean signedWith(String secret) throws Exception {
      byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] expected =
          mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      if (signature == null || !signature.startsWith("v1,")) {
        return false;
      }
      return MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(3)));
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  final int port = TestServer.freePort();
  private HttpServer server;

  WebhookReceiver start() {
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                request ->
                    request
                        .body()
                        .onSuccess(
                            body -> {
                              received.add(
                                  new Received(
                                      request.path(),
                                      request.getHeader("Webhook-Id"),
                                      request.getHeader("Webhook-Timestamp"),
                                      request.getHeader("Webhook-Signature"),
                                      body.toString(StandardCharsets.UTF_8)));
                              request.response().setStatusCode(204).end();
                            }))
            .listen(port, "127.0.0.1")
            .await();
    return this;
  }

  /** Down: its connections closed and new ones refused. */
  void stop() {
    server.close().await();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** What arrived at {@code path}, in the order it arrived. */
  List<Received> at(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  List<Received> all() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
