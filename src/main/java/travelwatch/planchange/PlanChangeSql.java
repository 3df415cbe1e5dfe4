package travelwatch.planchange;

/** Every statement on the plan_change table, which only this package knows. */
final class PlanChangeSql {
  private PlanChangeSql() {}

  static final String INSERT =
      """
      insert into plan_change (made_by, made_at, reason, state, forced, difference, document)
      values ($1, $2, $3, $4, $5, $6, cast($7::text as jsonb))
      returning id
      """;

  private static final String COLUMNS =
      "id, made_by, made_at, reason, state, forced, approved_by, approved_at";

  /** A change's sections' sizes, without reading its (possibly large) difference. */
  private static final String SUMMARY =
      """
      jsonb_build_object(
        'runsAdded', jsonb_array_length(difference->'runsAdded'),
        'runsRemoved', jsonb_array_length(difference->'runsRemoved'),
        'runsRetimed', jsonb_array_length(difference->'runsRetimed'),
        'runsRerouted', jsonb_array_length(difference->'runsRerouted'),
        'stopsChanged', jsonb_array_length(difference->'stopsChanged'),
        'pupilsMoved', jsonb_array_length(difference->'pupilsMoved'),
        'crewChanged', jsonb_array_length(difference->'crewChanged'),
        'routesMoved', jsonb_array_length(difference->'routesMoved')) as summary
      """;

  static final String BETWEEN =
      "select "
          + COLUMNS
          + ", "
          + SUMMARY
          + " from plan_change where made_at >= $1 and made_at < $2 order by id desc limit $3";

  static final String ONE =
      "select " + COLUMNS + ", " + SUMMARY + ", difference from plan_change where id = $1";

  static final String PENDING_DOCUMENT =
      "select made_by, document from plan_change where id = $1 and state = 'pending'";

  /** Only a change still pending is approved: a second approval finds none. */
  static final String APPROVE =
      """
      update plan_change
      set state = 'approved', approved_by = $2, approved_at = $3, difference = $4, document = null
      where id = $1 and state = 'pending'
      """;
}
