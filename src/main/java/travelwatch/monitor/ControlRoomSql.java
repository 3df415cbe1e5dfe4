package travelwatch.monitor;

/** Read models for the control room's panels beyond the run board: the phones. */
final class ControlRoomSql {
  private ControlRoomSql() {}

  /**
   * The contact centre's calls on service date $1, counted once per call whatever the telephony
   * sent about it: a call was offered at its first event (an answered call was offered even if its
   * offer is missing), answered or abandoned at its first such event. The window is ($2, $3], $3
   * being now; a call is waiting when offered by now and neither answered nor abandoned by now.
   */
  static final String CALLS =
      """
      with calls as (
        select body ->> 'callId' as call_id,
               min(occurred_at) as offered_at,
               min(occurred_at) filter (where type = 'call.answered') as answered_at,
               min(occurred_at) filter (where type = 'call.abandoned') as abandoned_at
        from event
        where type in ('call.offered', 'call.answered', 'call.abandoned')
          and service_date = $1::date
        group by 1
      ),
      now_waiting as (
        select offered_at <= $3::timestamptz
                 and not coalesce(answered_at <= $3::timestamptz, false)
                 and not coalesce(abandoned_at <= $3::timestamptz, false) as waiting,
               c.*
        from calls c
      )
      select count(*) as offered,
             count(answered_at) as answered,
             count(abandoned_at) as abandoned,
             count(*) filter (where offered_at > $2::timestamptz
                                and offered_at <= $3::timestamptz) as window_offered,
             count(*) filter (where answered_at > $2::timestamptz
                                and answered_at <= $3::timestamptz) as window_answered,
             count(*) filter (where abandoned_at > $2::timestamptz
                                and abandoned_at <= $3::timestamptz) as window_abandoned,
             count(*) filter (where waiting) as waiting,
             min(offered_at) filter (where waiting) as longest_waiting_since
      from now_waiting
      """;
}
