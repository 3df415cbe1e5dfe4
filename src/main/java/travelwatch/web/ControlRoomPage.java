package travelwatch.web;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Rule.anyone;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The control-room page: static files from {@code webroot/} and the browser libraries it uses from
 * WebJars on the classpath, so the page needs nothing from outside at run time. Its own scripts
 * only talk to this server, and the headers tell the browser to hold it to that.
 */
public final class ControlRoomPage {
  private static final String POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none';"
          + " base-uri 'none'; form-action 'self'";

  private ControlRoomPage() {}

  /** A path with no file here passes on to the routes after it (the API). */
  public static void mount(Router router) {
    allow(router.get("/webjars/*"), anyone())
        .handler(ControlRoomPage::headers)
        .handler(StaticHandler.create("META-INF/resources/webjars"));
    allow(router.get("/*"), anyone())
        .handler(ControlRoomPage::headers)
        .handler(StaticHandler.create("webroot"));
  }

  private static void headers(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
    ctx.next();
  }
}
