package travelwatch.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.support.TestServer;

@Timeout(120)
@DisplayName("The server's lifecycle: every capability stops with the server")
class LifecycleTest {

  @Test
  @DisplayName(
      "Once the server has stopped its verticles, Vert.x holds no timer and no event-bus consumer"
          + " of TravelWatch's")
  void nothingLeftBehind() throws Exception {
    TestServer server = new TestServer();
    try {
      Vertx vertx = server.server.vertx();
      assertThat(timers(vertx)).as("running, the capabilities' timers are seen").isNotEmpty();
      assertThat(consumers(vertx)).as("running, the capabilities' consumers are seen").isNotEmpty();

      server.server.undeploy();

      assertThat(timers(vertx)).as("timers left").isEmpty();
      assertThat(consumers(vertx)).as("consumers left").isEmpty();
    } finally {
      server.close();
    }
  }

  // Vert.x lists neither timers nor consumers publicly, and a wrapper around Vertx would miss those
  // set through the real instance a verticle is given; Vert.x's own bookkeeping has them all.
  // Vert.x also drops a verticle's own on undeploy: what this catches is one set up outside any.

  /** The class of each pending timer's handler that is TravelWatch code. */
  private static List<String> timers(Vertx vertx) throws ReflectiveOperationException {
    List<String> ours = new ArrayList<>();
    for (Object timer : ((Map<?, ?>) field(vertx, "timeouts")).values()) {
      String handler = field(timer, "handler").getClass().getName();
      if (handler.startsWith("travelwatch.")) {
        ours.add(handler);
      }
    }
    return ours;
  }

  /**
   * The address and handler class of each registered consumer whose handler is TravelWatch code.
   */
  private static List<String> consumers(Vertx vertx) throws ReflectiveOperationException {
    List<String> ours = new ArrayList<>();
    for (Map.Entry<?, ?> address : ((Map<?, ?>) field(vertx.eventBus(), "handlerMap")).entrySet()) {
      for (Object holder : (Iterable<?>) address.getValue()) {
        Object handler = field(field(holder, "handler"), "handler");
        if (handler != null && handler.getClass().getName().startsWith("travelwatch.")) {
          ours.add(address.getKey() + " " + handler.getClass().getName());
        }
      }
    }
    return ours;
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    for (Class<?> c = owner.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(owner);
      } catch (NoSuchFieldException e) {
        // declared further up
      }
    }
    throw new NoSuchFieldException(owner.getClass().getName() + "." + name);
  }
}
