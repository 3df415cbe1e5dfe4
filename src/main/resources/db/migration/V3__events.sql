-- The event store: every event ever acknowledged, exactly once per (owner, eventId).
-- owner is the key owner ("operator:OP1", "scope:telephony"); body is the event as sent,
-- keys sorted; body_hash tells a retry (same body) from a conflicting reuse of the eventId.
create table event (
  seq          bigint generated always as identity primary key,
  owner        text not null,
  event_id     text not null,
  type         text not null,
  occurred_at  timestamptz not null,
  received_at  timestamptz not null,
  service_date date not null,
  run_id       text,
  body         json not null,
  body_hash    bytea not null,
  unique (owner, event_id)
);
create index event_run on event (run_id, occurred_at) where run_id is not null;
create index event_service_date on event using brin (service_date);
