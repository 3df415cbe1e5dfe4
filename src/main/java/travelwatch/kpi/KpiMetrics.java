package travelwatch.kpi;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Prometheus gauges of the KPIs, labelled by KPI name only: the latest weekly snapshot ({@code
 * travelwatch_kpi_weekly_percent}, {@code …_weekly_cases}) and the week so far ({@code
 * travelwatch_kpi_week_to_date_percent}, {@code …_week_to_date_cases}). A percentage with nothing
 * to measure is NaN, which Prometheus and Grafana show as no value.
 */
final class KpiMetrics {
  private static final Map<String, Function<KpiFigures, Percentage>> PERCENTAGES =
      Map.of(
          "route_performance", KpiFigures::routePerformance,
          "pupil_performance", KpiFigures::pupilPerformance,
          "route_time_performance", KpiFigures::routeTimePerformance,
          "telephone_performance", KpiFigures::telephonePerformance);

  private static final Map<String, Function<KpiFigures, Optional<Long>>> CASES =
      Map.of(
          "safeguarding", f -> Optional.of(f.safeguarding()),
          "bus_pass_assessments_overdue",
              f -> f.casework().map(KpiFigures.Casework::busPassAssessmentsOverdue),
          "transport_applications_overdue",
              f -> f.casework().map(KpiFigures.Casework::transportApplicationsOverdue),
          "complaints_received", f -> f.casework().map(KpiFigures.Casework::complaintsReceived),
          "complaints_overdue", f -> f.casework().map(KpiFigures.Casework::complaintsOverdue));

  /** A gauge's current value; the registry holds gauges weakly, so this class keeps them. */
  private static final class Value {
    volatile double value = Double.NaN;
  }

  private final Map<String, Value> weeklyPercent = new LinkedHashMap<>();
  private final Map<String, Value> weeklyCases = new LinkedHashMap<>();
  private final Map<String, Value> weekToDatePercent = new LinkedHashMap<>();
  private final Value weekToDateSafeguarding = new Value();

  KpiMetrics(MeterRegistry registry) {
    PERCENTAGES
        .keySet()
        .forEach(
            kpi -> {
              weeklyPercent.put(
                  kpi,
                  gauge(registry, "travelwatch.kpi.weekly.percent", kpi, "Latest weekly KPI, %"));
              weekToDatePercent.put(
                  kpi,
                  gauge(
                      registry,
                      "travelwatch.kpi.week_to_date.percent",
                      kpi,
                      "KPI for the week so far, %"));
            });
    CASES
        .keySet()
        .forEach(
            kpi ->
                weeklyCases.put(
                    kpi,
                    gauge(
                        registry, "travelwatch.kpi.weekly.cases", kpi, "Latest weekly KPI count")));
    Gauge.builder("travelwatch.kpi.week_to_date.cases", weekToDateSafeguarding, v -> v.value)
        .tag("kpi", "safeguarding")
        .description("KPI count for the week so far")
        .register(registry);
  }

  private static Value gauge(MeterRegistry registry, String name, String kpi, String help) {
    Value value = new Value();
    Gauge.builder(name, value, v -> v.value).tag("kpi", kpi).description(help).register(registry);
    return value;
  }

  void weekly(Optional<WeeklySnapshot> latest) {
    PERCENTAGES.forEach(
        (kpi, of) ->
            weeklyPercent.get(kpi).value =
                latest.map(s -> percent(of.apply(s.figures()))).orElse(Double.NaN));
    CASES.forEach(
        (kpi, of) ->
            weeklyCases.get(kpi).value =
                latest
                    .flatMap(s -> of.apply(s.figures()))
                    .map(Long::doubleValue)
                    .orElse(Double.NaN));
  }

  void weekToDate(KpiFigures figures) {
    PERCENTAGES.forEach((kpi, of) -> weekToDatePercent.get(kpi).value = percent(of.apply(figures)));
    weekToDateSafeguarding.value = figures.safeguarding();
  }

  private static double percent(Percentage p) {
    BigDecimal percent = p.percent();
    return percent == null ? Double.NaN : percent.doubleValue();
  }
}
