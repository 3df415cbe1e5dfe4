-- Alerts: at most one open (not resolved) alert per dedup key (type + subject + service day);
-- the database decides, so an alert is raised once even with several nodes.
create table alert (
  id               bigint generated always as identity primary key,
  dedup_key        text not null,
  type             text not null,
  severity         text not null check (severity in ('critical', 'high', 'warning')),
  state            text not null check (state in ('open', 'acknowledged', 'resolved')),
  service_date     date not null,
  run_id           text,
  operator_id      text,
  crew_id          text,
  pupil_id         text,
  summary          text not null,
  raised_at        timestamptz not null,
  last_seen_at     timestamptz not null,
  count            integer not null default 1,
  condition_active boolean not null default true,
  acknowledged_by  text,
  acknowledged_at  timestamptz,
  resolved_by      text,
  resolved_at      timestamptz
);
create unique index alert_one_open_per_key on alert (dedup_key) where state <> 'resolved';
create index alert_service_date on alert (service_date);
create index alert_raised_at on alert (raised_at);
create index alert_run on alert (run_id) where run_id is not null;

-- Who did what to an alert, and when its condition cleared or returned.
create table alert_transition (
  id       bigint generated always as identity primary key,
  alert_id bigint not null references alert (id),
  at       timestamptz not null,
  kind     text not null check (kind in ('raised', 'repeated', 'acknowledged', 'resolved',
                                         'condition_cleared', 'condition_returned', 'escalated')),
  actor    text,
  note     text
);
create index alert_transition_alert on alert_transition (alert_id);

-- What the live stream sends, in order; a reconnecting client resumes after its Last-Event-ID.
create table live_event (
  seq     bigint generated always as identity primary key,
  kind    text not null check (kind in ('alert', 'run')),
  at      timestamptz not null,
  payload json not null
);

-- Each run's live state as its monitor last saw it, so any node can serve the run board.
create table run_state (
  run_id       text primary key references run (id) on delete cascade,
  status       text not null check (status in ('planned', 'crew_assigned', 'started', 'arrived',
                                               'completed', 'cancelled')),
  eta          timestamptz,
  minutes_late integer,
  driver_id    text,
  guide_id     text,
  vehicle_reg  text,
  started_at   timestamptz,
  arrived_at   timestamptz,
  updated_at   timestamptz not null
);
