-- Children's movements are kept no longer than needed (README, "What is kept, and for how long"),
-- so the event store is partitioned: ending a period is dropping a table, not a long delete.
-- Vehicles' positions, most of the events and the most revealing, are kept apart, a partition a
-- day (event_position); every other event a partition a month (event_main). An event of a period
-- that has no partition yet (one from long ago, or a clock far ahead) waits in its branch's
-- default partition until its partition is made (event_partition_make moves it there).
--
-- A partitioned table's unique keys must hold its partition keys, so (owner, eventId) cannot be
-- unique in the event table itself any more: event_key holds each stored event's key with its
-- body's hash, written in the same statement as the event, so an eventId stays unique per owner
-- (a retry a duplicate, another body a conflict) for as long as the event is kept.

alter table event rename to event_unpartitioned;
alter table event_unreadable drop constraint event_unreadable_seq_fkey;

create sequence event_seq as bigint;
select setval('event_seq', coalesce((select max(seq) from event_unpartitioned), 0) + 1, false);

create table event (
  seq          bigint not null default nextval('event_seq'),
  owner        text collate "C" not null,
  event_id     text collate "C" not null,
  type         text not null,
  occurred_at  timestamptz not null,
  received_at  timestamptz not null,
  service_date date not null,
  run_id       text,
  body         json not null,
  body_hash    bytea not null,
  source       text not null default 'api' check (source in ('api', 'crew', 'tracker'))
) partition by list (type);

create table event_position partition of event for values in ('vehicle.position')
  partition by range (service_date);
create table event_position_default partition of event_position default;
create table event_main partition of event default partition by range (service_date);
create table event_main_default partition of event_main default;

create table event_key (
  owner        text collate "C" not null,
  event_id     text collate "C" not null,
  position     boolean not null,
  service_date date not null,
  body_hash    bytea not null,
  primary key (owner, event_id)
);
-- Keys go with their events, by date: written in date order, so a block range index serves.
create index event_key_service_date on event_key using brin (service_date);

-- Makes the partition of branch (event_main or event_position) named part for the service dates
-- from low up to high, taking over the rows its branch's default partition holds of those dates;
-- false if it exists already. The caller serialises calls (an advisory lock) and bounds the wait
-- for the branch's lock (lock_timeout).
create function event_partition_make(branch text, part text, low date, high date)
returns boolean language plpgsql as $$
declare
  waiting boolean;
begin
  if to_regclass(part) is not null then
    return false;
  end if;
  execute format('select exists (select 1 from %I where service_date >= %L and service_date < %L)',
                 branch || '_default', low, high) into waiting;
  if waiting then
    drop table if exists event_partition_moving;
    create temporary table event_partition_moving (like event);
    execute format('with moved as (delete from %I where service_date >= %L and service_date < %L'
                   || ' returning *) insert into event_partition_moving select * from moved',
                   branch || '_default', low, high);
  end if;
  execute format('create table %I partition of %I for values from (%L) to (%L)',
                 part, branch, low, high);
  if waiting then
    insert into event select * from event_partition_moving;
    drop table event_partition_moving;
  end if;
  return true;
end
$$;

-- The months of the events stored and the next two; the positions' days of the last five weeks
-- and the next week (older positions wait in the default partition for the retention job).
select event_partition_make('event_main', 'event_main_p' || to_char(m, 'YYYYMM'), m::date,
                            (m + interval '1 month')::date)
from generate_series(
       date_trunc('month', least(current_date,
                                 coalesce((select min(service_date) from event_unpartitioned),
                                          current_date))),
       date_trunc('month', current_date) + interval '2 months',
       interval '1 month') as m;
select event_partition_make('event_position', 'event_position_p' || to_char(d, 'YYYYMMDD'),
                            d::date, (d + interval '1 day')::date)
from generate_series(current_date - 35, current_date + 7, interval '1 day') as d;

insert into event (seq, owner, event_id, type, occurred_at, received_at, service_date, run_id,
                   body, body_hash, source)
select seq, owner, event_id, type, occurred_at, received_at, service_date, run_id, body, body_hash,
       source
from event_unpartitioned;
insert into event_key (owner, event_id, position, service_date, body_hash)
select owner, event_id, type = 'vehicle.position', service_date, body_hash
from event_unpartitioned;

drop table event_unpartitioned;
alter sequence event_seq owned by event.seq;

-- The indexes the event store had, on every partition. seq is unique by its sequence; the key
-- leads with it so lookups and ranges by seq stay index scans.
alter table event add primary key (seq, type, service_date);
create index event_run on event (run_id, occurred_at) where run_id is not null;
create index event_service_date on event using brin (service_date);
create index event_kpi_run on event (run_id, type)
  where type in ('run.started', 'run.cancelled', 'run.arrived',
                 'pupil.dropped', 'pupil.boarded', 'pupil.absent');
create index event_call on event (service_date)
  where type in ('call.offered', 'call.answered', 'call.abandoned');
create index event_casework on event (type)
  where type in ('application.received', 'application.decided',
                 'complaint.received', 'complaint.responded');
create index event_owner_seq on event (owner, seq);

-- The retention job's own record: the service day of its last full pass (once a day, once per
-- cluster), and the service date before which events no longer hold coordinates.
create table retention_state (
  id                 boolean primary key default true check (id),
  last_pass_day      date,
  last_pass_at       timestamptz,
  coordinates_before date
);
insert into retention_state (id) values (true);
