package travelwatch.kpi;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The council's KPIs for one period (docs/contract.md, "KPIs"): what was planned against what was
 * delivered, on time and for pupils, in all and by operator and by school; the phones;
 * safeguarding; parents' messages; and, for a week, the case work backlog.
 */
public record KpiFigures(
    long safeguarding,
    Percentage routePerformance,
    Percentage pupilPerformance,
    Percentage routeTimePerformance,
    Percentage telephonePerformance,
    Optional<Casework> casework,
    ParentMessages parentMessages,
    List<OperatorFigures> operators,
    List<SchoolFigures> schools) {

  public KpiFigures {
    operators = List.copyOf(operators);
    schools = List.copyOf(schools);
  }

  /** Case work at the end of the period: overdue applications and complaints. */
  public record Casework(
      long busPassAssessmentsOverdue,
      long transportApplicationsOverdue,
      long complaintsReceived,
      long complaintsOverdue) {}

  /**
   * Messages parents sent in the period: how many, how many of them have had a first reply, and the
   * median minutes from message to first reply (one decimal; empty when none was answered).
   */
  public record ParentMessages(
      long received, long answered, Optional<BigDecimal> medianMinutesToAnswer) {
    /** What a period without messages shows, and a snapshot stored before they were counted. */
    public static final ParentMessages NONE = new ParentMessages(0, 0, Optional.empty());

    public ParentMessages {
      if (received < 0 || answered < 0 || answered > received) {
        throw new IllegalArgumentException(
            "answered (" + answered + ") must be between 0 and received (" + received + ")");
      }
    }
  }

  /** "Contracted against delivered" for one operator. */
  public record OperatorFigures(
      String operatorId,
      long planned,
      long delivered,
      long cancelled,
      long onTime,
      Percentage cancellationShare) {}

  /**
   * "Contracted against delivered" for one school: the runs of its routes planned in the period,
   * those delivered and those delivered on time, as counted for operators.
   */
  public record SchoolFigures(
      String schoolId, String schoolName, long planned, long delivered, long onTime) {}

  /** One operator's runs and pupil-journeys in the period, as counted from the plan and events. */
  public record RunCounts(
      String operatorId,
      long planned,
      long delivered,
      long cancelled,
      long onTime,
      long pupilsExpected,
      long pupilsTransported) {}

  /** The phones in the period: distinct calls offered, and of them those answered. */
  public record CallCounts(long offered, long answered) {}

  /**
   * The KPIs from per-operator counts: totals are sums, shares are of all cancellations; the
   * schools' figures are as counted.
   */
  public static KpiFigures from(
      long safeguarding,
      List<RunCounts> runs,
      CallCounts calls,
      Optional<Casework> casework,
      ParentMessages parentMessages,
      List<SchoolFigures> schools) {
    long planned = 0;
    long delivered = 0;
    long cancelled = 0;
    long onTime = 0;
    long expected = 0;
    long transported = 0;
    for (RunCounts r : runs) {
      planned += r.planned();
      delivered += r.delivered();
      cancelled += r.cancelled();
      onTime += r.onTime();
      expected += r.pupilsExpected();
      transported += r.pupilsTransported();
    }
    List<OperatorFigures> operators = new ArrayList<>();
    for (RunCounts r : runs) {
      operators.add(
          new OperatorFigures(
              r.operatorId(),
              r.planned(),
              r.delivered(),
              r.cancelled(),
              r.onTime(),
              new Percentage(r.cancelled(), cancelled)));
    }
    return new KpiFigures(
        safeguarding,
        new Percentage(delivered, planned),
        new Percentage(transported, expected),
        new Percentage(onTime, delivered),
        new Percentage(calls.answered(), calls.offered()),
        casework,
        parentMessages,
        operators,
        schools);
  }
}
