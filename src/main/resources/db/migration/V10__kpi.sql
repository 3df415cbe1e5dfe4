-- KPI snapshots: immutable versions of a week's (named by its Friday) or a day's figures.
-- Recomputing stores the next version; the highest version is the one served.
create table kpi_weekly_snapshot (
  week_ending date not null check (extract(isodow from week_ending) = 5),
  version     integer not null check (version >= 1),
  computed_at timestamptz not null,
  figures     json not null,
  primary key (week_ending, version)
);

create table kpi_daily_snapshot (
  service_date date not null,
  version      integer not null check (version >= 1),
  computed_at  timestamptz not null,
  figures      json not null,
  primary key (service_date, version)
);

create function kpi_snapshot_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'KPI snapshots are immutable: store a new version instead';
end
$$;

create trigger kpi_weekly_snapshot_immutable before update or delete on kpi_weekly_snapshot
  for each row execute function kpi_snapshot_immutable();
create trigger kpi_daily_snapshot_immutable before update or delete on kpi_daily_snapshot
  for each row execute function kpi_snapshot_immutable();

-- The KPI queries read each planned run's own events, calls by date and case work over all
-- time: partial indexes keep those reads off the positions and other events, and cost ingestion
-- nothing for the events they leave out.
create index event_kpi_run on event (run_id, type)
  where type in ('run.started', 'run.cancelled', 'run.arrived',
                 'pupil.dropped', 'pupil.boarded', 'pupil.absent');
create index event_call on event (service_date)
  where type in ('call.offered', 'call.answered', 'call.abandoned');
create index event_casework on event (type)
  where type in ('application.received', 'application.decided',
                 'complaint.received', 'complaint.responded');
