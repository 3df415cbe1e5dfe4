package travelwatch.ingest;

import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * One valid event of a request, with the fields authorisation and storage need. {@code body} is the
 * event in canonical form (keys sorted), and {@code hash} its SHA-256, so a retry can be told from
 * a conflicting reuse of the same eventId.
 */
public record IncomingEvent(
    int index,
    String eventId,
    EventType type,
    OffsetDateTime occurredAt,
    LocalDate serviceDate,
    String runId,
    String crewId,
    String pupilId,
    String body,
    byte[] hash) {}
