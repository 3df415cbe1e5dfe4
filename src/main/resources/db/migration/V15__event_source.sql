-- Where each event came from: an operator's or the council's system through the API (every event
-- stored before now), the crew app on a phone, or a GPS tracker.
alter table event add column source text not null default 'api'
  check (source in ('api', 'crew', 'tracker'));
