package travelwatch.support;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import java.util.ArrayList;
import java.util.List;
import travelwatch.ingest.EventHandOff;

/**
 * Holds back a server's hand-offs of stored events to its monitors (shards, the council-wide one
 * and monitors' inboxes) while {@link #hold()} is in force, as a node that has fallen behind would;
 * {@link #release()} sends them on, each on the context it was sent from.
 */
public final class HeldHandOff {
  private record Held(DeliveryContext<?> delivery, Context context) {}

  private final List<Held> held = new ArrayList<>();
  private boolean holding;

  private HeldHandOff() {}

  /** Intercepts the server's event bus; nothing is held until {@link #hold()}. */
  public static HeldHandOff on(TestServer server) {
    HeldHandOff h = new HeldHandOff();
    Vertx vertx = server.server.vertx();
    vertx
        .eventBus()
        .addOutboundInterceptor(
            delivery -> {
              String address = delivery.message().address();
              boolean toMonitor =
                  address.startsWith(EventHandOff.SHARD_ADDRESS)
                      || address.startsWith(EventHandOff.INBOX_ADDRESS)
                      || address.equals(EventHandOff.GLOBAL_ADDRESS);
              synchronized (h.held) {
                if (h.holding && toMonitor) {
                  h.held.add(new Held(delivery, Vertx.currentContext()));
                  return;
                }
              }
              delivery.next();
            });
    return h;
  }

  public void hold() {
    synchronized (held) {
      holding = true;
    }
  }

  public void release() {
    List<Held> out;
    synchronized (held) {
      holding = false;
      out = new ArrayList<>(held);
      held.clear();
    }
    out.forEach(h -> h.context().runOnContext(v -> h.delivery().next()));
  }
}
