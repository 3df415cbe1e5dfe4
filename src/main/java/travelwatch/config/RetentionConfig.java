package travelwatch.config;

/**
 * How long what TravelWatch holds about children's journeys is kept, in days: the events (and
 * parents' messages), vehicles' positions (and the coordinates in other events), and the audit
 * trail. Positions cannot outlive the events they are part of.
 */
public record RetentionConfig(int eventsDays, int positionsDays, int auditDays) {

  static RetentionConfig from(Settings s) {
    int events = s.integer("retentionEventsDays", 400, 31, 36_500);
    int positions = s.integer("retentionPositionsDays", 31, 1, 36_500);
    if (positions > events) {
      throw new ConfigException(
          s.label("retentionPositionsDays"),
          "must be at most "
              + s.label("retentionEventsDays")
              + " ("
              + events
              + "): positions are events, got "
              + positions);
    }
    return new RetentionConfig(events, positions, s.integer("retentionAuditDays", 2190, 1, 36_500));
  }
}
