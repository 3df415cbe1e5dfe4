package travelwatch.tracker;

import java.time.Instant;

/**
 * One fix as a tracker reported it, in TravelWatch's units: {@code speedKph} in km/h (null when not
 * reported), {@code accuracy} in metres (null when not reported), {@code valid} false when the
 * device itself says the fix is not one.
 */
record Position(
    Instant fix, double lat, double lon, Double speedKph, Double accuracy, boolean valid) {

  static final double KNOTS_TO_KPH = 1.852;
  static final double MPS_TO_KPH = 3.6;

  Position withValid(boolean isValid) {
    return new Position(fix, lat, lon, speedKph, accuracy, isValid);
  }
}
