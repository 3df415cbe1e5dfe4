package travelwatch.ingest;

/**
 * Where an event came from, kept with it in the store and on the run's timeline: an operator's or
 * the council's system through the API, the crew app on a driver's phone, or a GPS tracker.
 */
public enum Source {
  API("api"),
  CREW("crew"),
  TRACKER("tracker");

  private final String wireName;

  Source(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
