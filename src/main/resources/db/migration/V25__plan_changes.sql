-- Route change control: every plan import or change, who made it, when, why, what it changed
-- from what stood, and whether it waits for a manager's approval.
create table plan_change (
  id           bigserial primary key,
  made_by      text not null,
  made_at      timestamptz not null,
  reason       text,
  state        text not null check (state in ('effective', 'pending', 'approved')),
  forced       boolean not null default false,
  approved_by  text,
  approved_at  timestamptz,
  -- The difference from what stood: runs added, removed, retimed, rerouted; stops and pupils
  -- moved; planned crew changed; routes moved between operators.
  difference   jsonb not null,
  -- A pending change's document, written when a manager approves it; cleared then.
  document     jsonb
);
create index plan_change_made_at on plan_change (made_at);
create index plan_change_pending on plan_change (id) where state = 'pending';

alter table outbox drop constraint outbox_kind_check;
alter table outbox add constraint outbox_kind_check
  check (kind in ('alert', 'escalation', 'resolution', 'digest', 'weekly_kpi', 'parent',
                  'school', 'webhook', 'mi', 'plan_change'));
