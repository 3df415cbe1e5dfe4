package travelwatch.kpi;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A KPI percentage with what it was computed from. With nothing to measure (a denominator of 0)
 * there is no percentage: {@link #percent()} is null, never 100.
 */
public record Percentage(long numerator, long denominator) {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  public Percentage {
    if (numerator < 0 || denominator < 0) {
      throw new IllegalArgumentException("counts cannot be negative");
    }
  }

  /** numerator / denominator × 100, rounded half-up to 2 decimals; null when denominator is 0. */
  public BigDecimal percent() {
    if (denominator == 0) {
      return null;
    }
    return BigDecimal.valueOf(numerator)
        .multiply(HUNDRED)
        .divide(BigDecimal.valueOf(denominator), 2, RoundingMode.HALF_UP);
  }

  /** As the council writes it: {@code 99.92% (5101/5105)}, or {@code n/a (0/0)}. */
  public String display() {
    BigDecimal percent = percent();
    String figure = percent == null ? "n/a" : percent.toPlainString() + "%";
    return figure + " (" + numerator + "/" + denominator + ")";
  }
}
