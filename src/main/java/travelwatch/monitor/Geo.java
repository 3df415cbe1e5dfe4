package travelwatch.monitor;

/** Distances on the ground, good enough within a city. */
public final class Geo {
  static final double STOP_RADIUS_METRES = 150;

  private Geo() {}

  public static double metres(double lat1, double lon1, double lat2, double lon2) {
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double a =
        Math.sin(dLat / 2) * Math.sin(dLat / 2)
            + Math.cos(Math.toRadians(lat1))
                * Math.cos(Math.toRadians(lat2))
                * Math.sin(dLon / 2)
                * Math.sin(dLon / 2);
    return 2 * 6_371_000 * Math.asin(Math.sqrt(a));
  }
}
