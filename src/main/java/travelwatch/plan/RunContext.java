package travelwatch.plan;

import java.time.LocalDate;
import java.time.LocalTime;

/**
 * What a person needs to place a run: its route, direction, school and operator by name, the
 * operator's phone (if on record) and how many pupils the run carries.
 */
public record RunContext(
    String runId,
    String routeId,
    LocalDate date,
    String direction,
    LocalTime arriveBy,
    String operatorId,
    String operatorName,
    String schoolName,
    String operatorPhone,
    int pupils) {}
