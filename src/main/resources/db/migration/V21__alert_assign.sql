-- Who in the control room is working an alert, so two controllers do not work the same one.
alter table alert add column assigned_to text;
alter table alert add column assigned_at timestamptz;

alter table alert_transition drop constraint alert_transition_kind_check;
alter table alert_transition add constraint alert_transition_kind_check
  check (kind in ('raised', 'repeated', 'acknowledged', 'assigned', 'resolved',
                  'condition_cleared', 'condition_returned', 'escalated'));

-- Each run's latest known position, for the map and the run board.
alter table run_state add column lat double precision;
alter table run_state add column lon double precision;
alter table run_state add column position_at timestamptz;
