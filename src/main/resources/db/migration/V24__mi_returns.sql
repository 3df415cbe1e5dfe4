-- Operators' monthly management information returns: each upload kept as received (both CSV
-- files) with the reconciliation computed then. Replacing a return stores the next version; the
-- highest version is the one served, and none is ever changed.
create table mi_return (
  operator_id text not null references operator (id),
  month       date not null check (extract(day from month) = 1),
  version     integer not null check (version >= 1),
  received_at timestamptz not null,
  received_by text not null,
  crew_csv    text not null,
  runs_csv    text not null,
  findings    json not null,
  critical    integer not null,
  high        integer not null,
  warning     integer not null,
  primary key (operator_id, month, version)
);
create index mi_return_month on mi_return (month);

create function mi_return_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'monthly returns are immutable: store a new version instead';
end
$$;

create trigger mi_return_immutable before update or delete on mi_return
  for each row execute function mi_return_immutable();

-- The overdue alert raised for an operator's month: once, whichever node looks first.
create table mi_overdue (
  operator_id text not null references operator (id),
  month       date not null check (extract(day from month) = 1),
  raised_at   timestamptz not null,
  primary key (operator_id, month)
);

-- The reconciliation reads each run's starts, cancellations and crew assignments: a partial
-- index of those keeps the read off the run's positions, and costs ingestion nothing for them.
create index event_mi_run on event (run_id)
  where type in ('run.started', 'run.cancelled', 'crew.assigned');

-- The managers' summary of a return's findings.
alter table outbox drop constraint outbox_kind_check;
alter table outbox add constraint outbox_kind_check
  check (kind in ('alert', 'escalation', 'resolution', 'digest', 'weekly_kpi', 'parent',
                  'school', 'webhook', 'mi'));
