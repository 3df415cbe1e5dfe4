-- Operators' webhooks: endpoints an operator (or an admin for it) registers to be sent its
-- alerts' and runs' changes. The secret signs every delivery, so it is kept as given (it is
-- shown to the operator once, at registration). An endpoint failing for 24 hours is disabled.
create table webhook (
  id              bigint generated always as identity primary key,
  operator_id     text not null references operator (id),
  url             text not null,
  events          text[] not null check (cardinality(events) > 0),
  secret          text not null,
  created_at      timestamptz not null,
  created_by      text not null,
  failing_since   timestamptz,
  disabled_at     timestamptz,
  disabled_reason text
);
create index webhook_operator on webhook (operator_id) where disabled_at is null;

-- One change (an alert's or a run's) for an operator's endpoints, written in the same transaction
-- as the change: the body exactly as it is signed and sent, and the key it is ordered by (the run,
-- or the alert when it has no run).
create table webhook_message (
  id           bigint generated always as identity primary key,
  operator_id  text not null,
  type         text not null check (type in ('alert.raised', 'alert.updated', 'alert.resolved',
                                               'run.changed')),
  ordering_key text not null,
  body         text not null,
  created_at   timestamptz not null
);

-- A message for one endpoint: at most one per endpoint and change. A delivery waits for the
-- endpoint's earlier pending deliveries with the same ordering key.
create table webhook_delivery (
  id              bigint generated always as identity primary key,
  webhook_id      bigint not null references webhook (id) on delete cascade,
  message_id      bigint not null references webhook_message (id),
  ordering_key    text not null,
  created_at      timestamptz not null,
  state           text not null default 'pending'
                    check (state in ('pending', 'delivered', 'failed')),
  tries           integer not null default 0,
  next_attempt_at timestamptz not null,
  delivered_at    timestamptz,
  unique (webhook_id, message_id)
);
create index webhook_delivery_due on webhook_delivery (next_attempt_at, id)
  where state = 'pending';
create index webhook_delivery_in_order on webhook_delivery (webhook_id, ordering_key, id)
  where state = 'pending';
create index webhook_delivery_webhook on webhook_delivery (webhook_id, id);
create index webhook_delivery_failed on webhook_delivery (id) where state = 'failed';

-- Every try of a delivery and the receiver's answer: its status code, or what went wrong.
create table webhook_attempt (
  id          bigint generated always as identity primary key,
  delivery_id bigint not null references webhook_delivery (id) on delete cascade,
  at          timestamptz not null,
  status_code integer,
  error       text
);
create index webhook_attempt_delivery on webhook_attempt (delivery_id, id);

-- The email telling an operator that its endpoint was disabled.
alter table outbox drop constraint outbox_kind_check;
alter table outbox add constraint outbox_kind_check
  check (kind in ('alert', 'escalation', 'resolution', 'digest', 'weekly_kpi', 'parent',
                  'school', 'webhook'));
