-- GPS trackers fitted to operators' vehicles. The tracker id is made by TravelWatch, random and
-- long enough not to be guessed: the OsmAnd protocol carries no other credential, so it is the
-- tracker's secret and its name at once. unique_id is a Traccar device's uniqueId, for positions
-- an operator's Traccar server forwards with the operator's key.
create table tracker (
  id          text primary key,
  operator_id text not null references operator (id),
  vehicle_reg text not null,
  label       text,
  unique_id   text,
  created_at  timestamptz not null,
  created_by  text not null,
  revoked_at  timestamptz
);
create index tracker_operator on tracker (operator_id) where revoked_at is null;
create unique index tracker_unique_id on tracker (operator_id, unique_id)
  where revoked_at is null and unique_id is not null;
