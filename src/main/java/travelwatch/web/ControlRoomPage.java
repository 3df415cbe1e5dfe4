package travelwatch.web;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Rule.anyone;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import travelwatch.config.MapConfig;

/**
 * The control-room page: static files from {@code webroot/} and the browser libraries it uses from
 * WebJars on the classpath, so the page needs nothing from outside at run time but the map's tiles.
 * Its own scripts only talk to this server, and the headers tell the browser to hold it to that:
 * images may also come from the one configured tile host, and nothing else may.
 */
public final class ControlRoomPage {
  /** Where the page reads its map settings; filled in when the page is served. */
  private static final String MAP_SETTINGS = "<meta name=\"tw-map\" content=\"\">";

  private final String policy;
  private final String index;

  public ControlRoomPage(MapConfig map) {
    this.policy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
            + " img-src 'self' data: "
            + map.tileOrigin()
            + "; connect-src 'self'; frame-ancestors 'none';"
            + " base-uri 'none'; form-action 'self'";
    String page = resource("webroot/index.html");
    if (!page.contains(MAP_SETTINGS)) {
      throw new IllegalStateException("webroot/index.html has no " + MAP_SETTINGS);
    }
    this.index =
        page.replace(
            MAP_SETTINGS,
            "<meta name=\"tw-map\" content=\""
                + attribute(map.tileUrl())
                + "\" data-attribution=\""
                + attribute(map.attribution())
                + "\">");
  }

  /** A path with no file here passes on to the routes after it (the API). */
  public void mount(Router router) {
    allow(router.get("/webjars/*"), anyone())
        .handler(this::headers)
        .handler(StaticHandler.create("META-INF/resources/webjars"));
    allow(router.get("/*"), anyone())
        .handler(this::headers)
        .handler(this::index)
        .handler(StaticHandler.create("webroot"));
  }

  private void headers(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", policy)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
    ctx.next();
  }

  /** The page itself, with this server's map settings in it. */
  private void index(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (!path.equals("/") && !path.equals("/index.html")) {
      ctx.next();
      return;
    }
    ctx.response()
        .putHeader("Content-Type", "text/html;charset=UTF-8")
        .putHeader("Cache-Control", "no-cache")
        .end(index);
  }

  private static String resource(String name) {
    try (InputStream in = ControlRoomPage.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String attribute(String text) {
    return text.replace("&", "&amp;")
        .replace("\"", "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;");
  }
}
