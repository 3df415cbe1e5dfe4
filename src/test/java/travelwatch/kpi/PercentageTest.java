package travelwatch.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import travelwatch.kpi.KpiFigures.CallCounts;
import travelwatch.kpi.KpiFigures.ParentMessages;
import travelwatch.kpi.KpiFigures.RunCounts;

@Timeout(10)
@DisplayName("KPI arithmetic: percentages half-up to 2 decimals, null with nothing to measure")
class PercentageTest {

  @ParameterizedTest(name = "{0}/{1} = {2}")
  @CsvSource({
    "5101, 5105, 99.92",
    "226, 245, 92.24",
    "831, 939, 88.50",
    "2, 3, 66.67",
    "1, 8, 12.50", // exactly half a hundredth: 12.5 → 12.50
    "1, 3, 33.33",
    "1, 200, 0.50",
    "1, 400, 0.25",
    "1, 800, 0.13", // 0.125 rounds half up
    "0, 7, 0.00",
    "7, 7, 100.00",
  })
  @DisplayName("Rounded half-up to 2 decimals")
  void roundedHalfUp(long numerator, long denominator, String percent) {
    assertThat(new Percentage(numerator, denominator).percent()).isEqualTo(new BigDecimal(percent));
  }

  @Test
  @DisplayName("A denominator of 0 gives no percentage, not 100%")
  void zeroDenominator() {
    Percentage none = new Percentage(0, 0);
    assertThat(none.percent()).isNull();
    assertThat(none.display()).isEqualTo("n/a (0/0)");
    assertThat(new Percentage(5101, 5105).display()).isEqualTo("99.92% (5101/5105)");
  }

  @Test
  @DisplayName("Totals are sums over operators; each operator's share is of all cancellations")
  void figuresFromOperatorCounts() {
    KpiFigures f =
        KpiFigures.from(
            3,
            List.of(
                new RunCounts("OP1", 100, 95, 4, 90, 300, 290),
                new RunCounts("OP2", 50, 50, 0, 49, 120, 120),
                new RunCounts("OP3", 10, 8, 1, 8, 20, 18)),
            new CallCounts(245, 226),
            Optional.empty(),
            ParentMessages.NONE,
            List.of());

    assertThat(f.routePerformance()).isEqualTo(new Percentage(153, 160));
    assertThat(f.routeTimePerformance()).isEqualTo(new Percentage(147, 153));
    assertThat(f.pupilPerformance()).isEqualTo(new Percentage(428, 440));
    assertThat(f.telephonePerformance().percent()).isEqualTo(new BigDecimal("92.24"));
    assertThat(f.operators().get(0).cancellationShare().percent())
        .isEqualTo(new BigDecimal("80.00"));
    assertThat(f.operators().get(1).cancellationShare().percent())
        .isEqualTo(new BigDecimal("0.00"));
    assertThat(f.operators().get(2).cancellationShare().percent())
        .isEqualTo(new BigDecimal("20.00"));
  }

  @Test
  @DisplayName("With no cancellations at all, no operator has a share")
  void noCancellationsNoShare() {
    KpiFigures f =
        KpiFigures.from(
            0,
            List.of(new RunCounts("OP1", 10, 10, 0, 10, 20, 20)),
            new CallCounts(0, 0),
            Optional.empty(),
            ParentMessages.NONE,
            List.of());
    assertThat(f.operators().get(0).cancellationShare().percent()).isNull();
    assertThat(f.telephonePerformance().percent()).isNull();
  }
}
