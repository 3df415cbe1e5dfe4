package travelwatch.parent;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Audit.audited;
import static travelwatch.access.Rule.anyone;
import static travelwatch.access.Rule.linkIssuers;
import static travelwatch.access.Rule.parentLink;
import static travelwatch.access.Rule.role;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.MonthDay;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import travelwatch.access.Audit;
import travelwatch.access.Authenticator;
import travelwatch.access.Caller;
import travelwatch.access.ParentLinks;
import travelwatch.access.Role;
import travelwatch.config.ParentConfig;
import travelwatch.live.LiveEvents;
import travelwatch.platform.Rfc3339;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.Sha256;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.JsonBodies;

/**
 * Parents: staff (managers, admins) and the council's casework system issue and revoke links; a
 * link's holder sees their own child's journeys of the day, chooses emails, and sends the service
 * messages, which the control room reads and answers.
 */
public final class ParentRoutes {
  private static final Set<String> CATEGORIES = Set.of("late", "not_arrived", "change", "other");
  private static final int TEXT_LIMIT = 1000;
  private static final int CONFIRMATIONS_PER_DAY = 5;
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
  private static final String EMAIL = "[^@\\s<>\"]+@[^@\\s<>\"]+\\.[^@\\s<>\"]+";

  private final ParentLinks links;
  private final ParentStore store;
  private final ParentLetters letters;
  private final ParentConfig config;
  private final ServiceClock time;
  private final URI publicUrl;
  private final EventBus bus;

  ParentRoutes(
      ParentLinks links,
      ParentStore store,
      ParentLetters letters,
      ParentConfig config,
      ServiceClock time,
      URI publicUrl,
      EventBus bus) {
    this.links = links;
    this.store = store;
    this.letters = letters;
    this.config = config;
    this.time = time;
    this.publicUrl = publicUrl;
    this.bus = bus;
  }

  /** The one-click unsubscribe needs no credentials: a mail client posts it. */
  public void mountUnsubscribe(Router api) {
    allow(api.post("/parent/unsubscribe"), anyone())
        .handler(BodyHandler.create(false).setBodyLimit(1024))
        .handler(this::unsubscribeByCode);
  }

  public void mount(Router api) {
    allow(api.post("/pupils/:pupilId/parent-links"), linkIssuers())
        .handler(audited("parent-link.issue", Audit.PUPIL, "pupilId"))
        .handler(this::newLink);
    allow(api.get("/pupils/:pupilId/parent-links"), linkIssuers())
        .handler(audited("parent-link.list", Audit.PUPIL, "pupilId"))
        .handler(this::listLinks);
    allow(api.delete("/parent-links/:linkId"), linkIssuers())
        .handler(audited("parent-link.revoke", "parent-link", "linkId"))
        .handler(this::revoke);

    allow(api.get("/parent/today"), parentLink())
        .handler(audited("parent.view", Audit.PUPIL, null))
        .handler(this::today);
    allow(api.get("/parent/subscription"), parentLink()).handler(this::subscription);
    allow(api.put("/parent/subscription"), parentLink())
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(audited("parent.subscribe", Audit.PUPIL, null))
        .handler(this::subscribe);
    allow(api.delete("/parent/subscription"), parentLink())
        .handler(audited("parent.unsubscribe", Audit.PUPIL, null))
        .handler(this::unsubscribe);
    allow(api.post("/parent/subscription/confirm"), parentLink())
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(this::confirm);
    allow(api.post("/parent/messages"), parentLink())
        .handler(BodyHandler.create(false).setBodyLimit(8192))
        .handler(audited("parent.message", Audit.PUPIL, null))
        .handler(this::sendMessage);
    allow(api.get("/parent/messages"), parentLink()).handler(this::parentMessages);

    allow(api.get("/messages"), role(Role.VIEWER)).handler(this::messages);
    allow(api.post("/messages/:messageId/reply"), role(Role.CONTROLLER))
        .handler(BodyHandler.create(false).setBodyLimit(8192))
        .handler(audited("message.reply", "message", "messageId"))
        .handler(this::reply);
    allow(api.post("/messages/:messageId/close"), role(Role.CONTROLLER))
        .handler(audited("message.close", "message", "messageId"))
        .handler(this::close);
  }

  // ---- links ----

  private void newLink(RoutingContext ctx) {
    String pupilId = ctx.pathParam("pupilId");
    Instant expires = linksEnd(time.today());
    links
        .pupilExists(pupilId)
        .compose(
            exists -> {
              if (!exists) {
                throw ApiException.notFound("There is no pupil " + pupilId + " in the plan.");
              }
              return links.create(pupilId, Authenticator.caller(ctx).owner(), expires);
            })
        .onSuccess(
            link ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Content-Type", "application/json")
                    .end(
                        new JsonObject()
                            .put("linkId", link.linkId())
                            .put("url", base() + "/parent/#t=" + link.token())
                            .put("expiresAt", Rfc3339.format(link.expiresAt(), time.zone()))
                            .encode()))
        .onFailure(ctx::fail);
  }

  /** The end of the school year: the start of the day after the next {@code linksEnd}. */
  Instant linksEnd(LocalDate today) {
    MonthDay end = config.linksEnd();
    LocalDate last = end.atYear(today.getYear());
    if (last.isBefore(today)) {
      last = end.atYear(today.getYear() + 1);
    }
    return last.plusDays(1).atStartOfDay(time.zone()).toInstant();
  }

  private void listLinks(RoutingContext ctx) {
    String pupilId = ctx.pathParam("pupilId");
    Instant now = time.now();
    links
        .pupilExists(pupilId)
        .compose(
            exists -> {
              if (!exists) {
                throw ApiException.notFound("There is no pupil " + pupilId + " in the plan.");
              }
              return links.ofPupil(pupilId);
            })
        .map(
            found -> {
              JsonArray items = new JsonArray();
              for (ParentLinks.Link l : found) {
                JsonObject j =
                    new JsonObject()
                        .put("linkId", l.linkId())
                        .put("createdBy", l.createdBy())
                        .put("createdAt", Rfc3339.format(l.createdAt(), time.zone()))
                        .put("expiresAt", Rfc3339.format(l.expiresAt(), time.zone()))
                        .put(
                            "state",
                            l.revokedAt() != null
                                ? "revoked"
                                : l.expiresAt().isAfter(now) ? "live" : "expired");
                if (l.revokedAt() != null) {
                  j.put("revokedAt", Rfc3339.format(l.revokedAt(), time.zone()));
                }
                items.add(j);
              }
              return new JsonObject().put("pupilId", pupilId).put("items", items);
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    long linkId = id(ctx, "linkId", "There is no such link.");
    store
        .revoke(linkId, time.now())
        .onSuccess(
            pupil -> {
              if (pupil.isEmpty()) {
                ctx.fail(ApiException.notFound("There is no such link."));
              } else {
                ctx.response().setStatusCode(204).end();
              }
            })
        .onFailure(ctx::fail);
  }

  // ---- the parent's own ----

  private void today(RoutingContext ctx) {
    Caller.ParentLink link = link(ctx);
    LocalDate date = time.today();
    Instant now = time.now();
    store
        .journeys(link.pupilId(), date)
        .map(
            journeys -> {
              JsonArray items = new JsonArray();
              for (String direction : List.of("AM", "PM")) {
                boolean any = false;
                for (Journey j : journeys) {
                  if (j.direction().equals(direction)) {
                    items.add(journeyJson(j, now));
                    any = true;
                  }
                }
                if (!any) {
                  items.add(
                      new JsonObject()
                          .put("direction", direction)
                          .put("status", Journey.Status.NO_TRAVEL_TODAY.wireName())
                          .put(
                              "message",
                              "AM".equals(direction)
                                  ? "No morning transport is planned today."
                                  : "No afternoon transport is planned today."));
                }
              }
              return new JsonObject()
                  .put("pupilId", link.pupilId())
                  .put("date", date.toString())
                  .put("journeys", items);
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private JsonObject journeyJson(Journey j, Instant now) {
    JsonObject json =
        new JsonObject().put("direction", j.direction()).put("status", j.status().wireName());
    json.put("plannedPickup", Rfc3339.format(j.plannedPickup(), time.zone()));
    json.put("plannedDropoff", Rfc3339.format(j.plannedDropoff(), time.zone()));
    if (j.eta() != null) {
      json.put("eta", Rfc3339.format(j.eta(), time.zone()));
    }
    if (j.boardedAt() != null) {
      json.put("pickedUpAt", Rfc3339.format(j.boardedAt(), time.zone()));
    }
    if (j.deliveredAt() != null) {
      json.put("droppedAt", Rfc3339.format(j.deliveredAt(), time.zone()));
    }
    if (j.status() == Journey.Status.CANCELLED) {
      JsonObject cancelled = new JsonObject();
      if (j.cancelReason() != null) {
        cancelled.put("reason", j.cancelReason());
      }
      json.put("cancelled", cancelled);
    }
    if (j.vehicleReg() != null && j.status() != Journey.Status.CANCELLED) {
      json.put("vehicleReg", j.vehicleReg());
    }
    return json.put("message", j.message(now, time.zone(), config.lateAfter()));
  }

  private void subscription(RoutingContext ctx) {
    store
        .subscription(link(ctx).linkId())
        .map(
            found ->
                subscriptionJson(
                    found.orElseThrow(
                        () ->
                            ApiException.notFound(
                                "No email address is set for this link: PUT one to get"
                                    + " emails."))))
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private static JsonObject subscriptionJson(ParentStore.Subscription s) {
    return new JsonObject()
        .put("email", s.email())
        .put("notify", new JsonArray(s.wanted()))
        .put("confirmed", s.confirmed());
  }

  private void subscribe(RoutingContext ctx) {
    Caller.ParentLink link = link(ctx);
    JsonObject body = JsonBodies.object(ctx, Set.of("email", "notify"));
    List<FieldProblem> problems = new ArrayList<>();
    Object email = body.getValue("email");
    if (!(email instanceof String e) || e.length() > 254 || !e.matches(EMAIL)) {
      problems.add(FieldProblem.at("email", "must be an email address like name@example.org"));
    }
    Object notify = body.getValue("notify");
    List<String> kinds = new ArrayList<>();
    if (!(notify instanceof JsonArray list) || list.isEmpty()) {
      problems.add(
          FieldProblem.at(
              "notify",
              "must be a list of one or more of late, cancelled, picked_up, dropped_off"));
    } else {
      for (int i = 0; i < list.size(); i++) {
        Object k = list.getValue(i);
        if (!(k instanceof String s)
            || !Set.of("late", "cancelled", "picked_up", "dropped_off").contains(s)) {
          problems.add(
              FieldProblem.at(
                  "notify[" + i + "]", "must be one of late, cancelled, picked_up, dropped_off"));
        } else {
          kinds.add(s);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw ApiException.badRequest("The subscription cannot be set.", problems);
    }
    String address = ((String) email).trim();
    List<String> wanted = ParentStore.distinct(kinds);
    String code = random();
    String unsubscribeCode = random();
    Instant now = time.now();
    store
        .subscribe(
            link.linkId(),
            address,
            wanted,
            Sha256.of(code),
            unsubscribeCode,
            CONFIRMATIONS_PER_DAY,
            now,
            (linkId, to, unsubscribe) -> letters.confirmation(linkId, to, code, unsubscribe, now))
        .onSuccess(
            outcome -> {
              if (outcome == ParentStore.SubscribeOutcome.TOO_MANY_CONFIRMATIONS) {
                ctx.fail(tooMany("confirmation emails", CONFIRMATIONS_PER_DAY));
                return;
              }
              boolean confirmed = outcome == ParentStore.SubscribeOutcome.ALREADY_CONFIRMED;
              ctx.response()
                  .setStatusCode(202)
                  .putHeader("Content-Type", "application/json")
                  .end(
                      new JsonObject()
                          .put("email", address)
                          .put("notify", new JsonArray(wanted))
                          .put("confirmed", confirmed)
                          .encode());
            })
        .onFailure(ctx::fail);
  }

  private void confirm(RoutingContext ctx) {
    Caller.ParentLink link = link(ctx);
    JsonObject body = JsonBodies.object(ctx, Set.of("code"));
    if (!(body.getValue("code") instanceof String code) || code.length() > 100) {
      throw ApiException.badRequest(
          "No confirmation code.",
          List.of(FieldProblem.at("code", "is required: the code from the confirmation email")));
    }
    store
        .confirm(link.linkId(), Sha256.of(code), time.now())
        .map(
            confirmed ->
                subscriptionJson(
                    confirmed.orElseThrow(
                        () ->
                            ApiException.badRequest(
                                "The confirmation code does not match.",
                                List.of(
                                    FieldProblem.at(
                                        "code",
                                        "is not the code last sent to this link's address (a newer"
                                            + " one replaces it): ask for emails again"))))))
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private void unsubscribe(RoutingContext ctx) {
    store
        .unsubscribe(link(ctx).linkId())
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void unsubscribeByCode(RoutingContext ctx) {
    String code = ctx.queryParams().get("code");
    if (code == null || !code.matches("[A-Za-z0-9_-]{20,100}")) {
      throw ApiException.badRequest(
          "No unsubscribe code.",
          List.of(FieldProblem.at("code", "is required: the code from the email's link")));
    }
    // The same answer whether or not the code names a subscription: nothing to learn from it.
    store
        .unsubscribeByCode(code)
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void sendMessage(RoutingContext ctx) {
    Caller.ParentLink link = link(ctx);
    JsonObject body = JsonBodies.object(ctx, Set.of("category", "text"));
    List<FieldProblem> problems = new ArrayList<>();
    if (!(body.getValue("category") instanceof String c) || !CATEGORIES.contains(c)) {
      problems.add(FieldProblem.at("category", "must be one of late, not_arrived, change, other"));
    }
    String text = text(body, problems);
    if (!problems.isEmpty()) {
      throw ApiException.badRequest("The message cannot be sent.", problems);
    }
    store
        .sendMessage(
            link.linkId(),
            link.pupilId(),
            body.getString("category"),
            text,
            config.messagesPerDay(),
            time.now())
        .onSuccess(
            sent -> {
              if (sent.messageId().isEmpty()) {
                ctx.fail(tooMany("messages", config.messagesPerDay()));
                return;
              }
              LiveEvents.publish(bus, sent.events());
              ctx.response()
                  .setStatusCode(201)
                  .putHeader("Content-Type", "application/json")
                  .end(new JsonObject().put("messageId", sent.messageId().get()).encode());
            })
        .onFailure(ctx::fail);
  }

  private void parentMessages(RoutingContext ctx) {
    store
        .messagesOfLink(link(ctx).linkId())
        .map(
            found -> {
              JsonArray items = new JsonArray();
              for (ParentStore.Message m : found) {
                JsonObject json = m.json().copy();
                json.remove("pupilId");
                // Who answered is the service, not a named member of staff.
                for (Object r : json.getJsonArray("replies")) {
                  ((JsonObject) r).remove("author");
                }
                items.add(json);
              }
              return new JsonObject().put("items", items);
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  // ---- the control room ----

  private void messages(RoutingContext ctx) {
    String state = ctx.queryParams().get("state");
    if (state != null && !Set.of("open", "answered", "closed").contains(state)) {
      throw ApiException.badRequest(
          "Bad state.", List.of(FieldProblem.at("state", "must be open, answered or closed")));
    }
    store
        .messages(state, 200)
        .map(
            found -> {
              JsonArray items = new JsonArray();
              found.forEach(m -> items.add(m.json()));
              return new JsonObject().put("items", items);
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private void reply(RoutingContext ctx) {
    long messageId = id(ctx, "messageId", "There is no such message.");
    JsonObject body = JsonBodies.object(ctx, Set.of("text"));
    List<FieldProblem> problems = new ArrayList<>();
    String text = text(body, problems);
    if (!problems.isEmpty()) {
      throw ApiException.badRequest("The reply cannot be sent.", problems);
    }
    Caller.Staff staff = Authenticator.staff(ctx);
    Instant now = time.now();
    store
        .reply(
            messageId,
            staff.name(),
            text,
            now,
            afterQuietHours(now),
            (linkId, to, unsubscribe) -> letters.reply(linkId, to, text, unsubscribe, now))
        .onSuccess(change -> answer(ctx, change, 201))
        .onFailure(ctx::fail);
  }

  private void close(RoutingContext ctx) {
    long messageId = id(ctx, "messageId", "There is no such message.");
    store
        .close(messageId, time.now())
        .onSuccess(change -> answer(ctx, change, 200))
        .onFailure(ctx::fail);
  }

  private void answer(
      RoutingContext ctx, java.util.Optional<ParentStore.MessageChange> change, int status) {
    if (change.isEmpty()) {
      ctx.fail(ApiException.notFound("There is no such message."));
      return;
    }
    LiveEvents.publish(bus, change.get().events());
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(change.get().message().encode());
  }

  // ---- helpers ----

  /** Now, or when the quiet hours end if they are on: a reply waits till morning. */
  Instant afterQuietHours(Instant now) {
    java.time.ZonedDateTime local = now.atZone(time.zone());
    if (!config.quiet(local.toLocalTime())) {
      return now;
    }
    java.time.ZonedDateTime end = local.with(config.quietUntil());
    if (!end.isAfter(local)) {
      end = end.plusDays(1);
    }
    return end.toInstant();
  }

  private static String text(JsonObject body, List<FieldProblem> problems) {
    Object text = body.getValue("text");
    if (!(text instanceof String t) || t.isBlank()) {
      problems.add(FieldProblem.at("text", "is required: 1 to " + TEXT_LIMIT + " characters"));
      return null;
    }
    int length = t.codePointCount(0, t.length());
    if (length > TEXT_LIMIT) {
      problems.add(
          FieldProblem.at(
              "text", "must be 1 to " + TEXT_LIMIT + " characters long, got " + length));
      return null;
    }
    return t;
  }

  private static Caller.ParentLink link(RoutingContext ctx) {
    if (Authenticator.caller(ctx) instanceof Caller.ParentLink link) {
      return link;
    }
    throw new IllegalStateException("The route's rule let in a caller who is not a parent.");
  }

  private static long id(RoutingContext ctx, String param, String unknown) {
    try {
      return Long.parseLong(ctx.pathParam(param));
    } catch (NumberFormatException e) {
      throw ApiException.notFound(unknown);
    }
  }

  private static ApiException tooMany(String what, int limit) {
    return new ApiException(
        429,
        "rate-limited",
        "Too many requests",
        "At most "
            + limit
            + " "
            + what
            + " a day from one link: try again tomorrow, or phone the"
            + " transport service if it is urgent.",
        List.of(),
        3600);
  }

  /** 256 random bits, URL-safe: a confirmation or unsubscribe code. */
  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private String base() {
    String s = publicUrl.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
