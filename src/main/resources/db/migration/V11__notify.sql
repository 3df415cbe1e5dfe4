-- Who gets which alert emails, in order. A recipient is an email address or "role:<role>"
-- (every user with exactly that role, looked up when the email is written). Empty filters
-- match everything.
create table notify_rule (
  position     integer primary key,
  delivery     text not null check (delivery in ('immediate', 'digest', 'escalation', 'weekly_kpi')),
  recipients   text[] not null check (cardinality(recipients) > 0),
  alert_types  text[] not null default '{}',
  severities   text[] not null default '{}',
  operator_ids text[] not null default '{}'
);

-- By default managers get critical and high alerts at once, warnings in the digest and the
-- weekly KPI email; an unacknowledged critical alert escalates to the admins.
insert into notify_rule (position, delivery, recipients, severities) values
  (1, 'immediate', '{role:manager}', '{critical,high}'),
  (2, 'digest', '{role:manager}', '{warning}'),
  (3, 'escalation', '{role:admin}', '{critical}'),
  (4, 'weekly_kpi', '{role:manager}', '{}');

-- Every email to send, written in the same transaction as what it reports. The relay sends
-- pending ones and marks them sent; "folded" ones went into a digest instead (mail storm cap).
create table outbox (
  id              bigint generated always as identity primary key,
  kind            text not null check (kind in ('alert', 'escalation', 'resolution', 'digest',
                                                 'weekly_kpi')),
  alert_id        bigint references alert (id),
  recipients      text[] not null,
  subject         text not null,
  text_body       text not null,
  html_body       text not null,
  message_id      text not null unique,
  in_reply_to     text,
  created_at      timestamptz not null,
  state           text not null default 'pending'
                    check (state in ('pending', 'sent', 'failed', 'folded')),
  tries           integer not null default 0,
  next_attempt_at timestamptz not null,
  last_error      text,
  sent_at         timestamptz
);
create index outbox_pending on outbox (next_attempt_at, id) where state = 'pending';
create index outbox_alert on outbox (alert_id) where alert_id is not null;
create index outbox_failed on outbox (id) where state = 'failed';
create index outbox_sent_at on outbox (sent_at) where sent_at is not null;

-- Alert changes waiting for a recipient's next digest email.
create table digest_item (
  id         bigint generated always as identity primary key,
  recipient  text not null,
  alert_id   bigint not null references alert (id),
  transition text not null,
  folded     boolean not null default false,
  created_at timestamptz not null,
  sent_in    bigint references outbox (id)
);
create index digest_item_waiting on digest_item (recipient, id) where sent_in is null;

