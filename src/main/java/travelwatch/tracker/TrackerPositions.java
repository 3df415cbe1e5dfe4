package travelwatch.tracker;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import travelwatch.access.Caller;
import travelwatch.ingest.EventParser;
import travelwatch.ingest.GroupCommitWriter;
import travelwatch.ingest.IncomingEvent;
import travelwatch.ingest.Source;
import travelwatch.platform.Rfc3339;

/**
 * A tracker's position to the run its vehicle is on: the run that, on the service date of the fix,
 * is started and neither completed nor cancelled with the tracker's vehicle. Each matched position
 * is a {@code vehicle.position} event of that run, owned by the tracker, whose eventId is made from
 * the tracker and the fix time (a re-sent position is a duplicate), stored by the same writer as
 * the API's events before the tracker is answered. Positions not valid, or less accurate than the
 * limit, move no ETA and are not stored; neither are those of a vehicle on no run.
 */
final class TrackerPositions {
  private final Trackers trackers;
  private final EventParser parser;
  private final TrackerMetrics metrics;
  private final ZoneId zone;
  private final int maxAccuracyMetres;

  TrackerPositions(
      Trackers trackers,
      EventParser parser,
      TrackerMetrics metrics,
      ZoneId zone,
      int maxAccuracyMetres) {
    this.trackers = trackers;
    this.parser = parser;
    this.metrics = metrics;
    this.zone = zone;
    this.maxAccuracyMetres = maxAccuracyMetres;
  }

  /** Stores the position if it belongs to a run; says what became of it (the metric's outcome). */
  Future<String> take(Caller.Tracker tracker, Position p, String source, GroupCommitWriter writer) {
    if (!p.valid() || (p.accuracy() != null && p.accuracy() > maxAccuracyMetres)) {
      return counted(source, Future.succeededFuture("inaccurate"));
    }
    LocalDate date = p.fix().atZone(zone).toLocalDate();
    return counted(
        source,
        trackers
            .runOf(tracker, date)
            .compose(
                run -> {
                  if (run.isEmpty()) {
                    return Future.succeededFuture("unmatched");
                  }
                  JsonObject event =
                      new JsonObject()
                          .put("eventId", eventId(tracker, p))
                          .put("type", "vehicle.position")
                          .put(
                              "occurredAt",
                              Rfc3339.format(p.fix().truncatedTo(ChronoUnit.MILLIS), zone))
                          .put("runId", run.get())
                          .put("lat", p.lat())
                          .put("lon", p.lon());
                  // The event's schema takes 0 to 200 km/h; a wilder reading is left out.
                  if (p.speedKph() != null && p.speedKph() <= 200) {
                    event.put("speedKph", Math.round(p.speedKph() * 10) / 10.0);
                  }
                  List<IncomingEvent> events = parser.parse(List.of(event));
                  return writer
                      .submit(tracker.owner(), Source.TRACKER, events)
                      .map(outcome -> outcome.accepted() > 0 ? "stored" : "duplicate");
                }));
  }

  private Future<String> counted(String source, Future<String> outcome) {
    return outcome.onSuccess(o -> metrics.count(source, o));
  }

  /** The same tracker and fix time give the same eventId, so a re-sent fix is a duplicate. */
  static String eventId(Caller.Tracker tracker, Position p) {
    return tracker.trackerId() + ":" + p.fix().toEpochMilli();
  }
}
