-- Each pupil's journeys of a day as the monitors last saw them: the pupil's own stops (planned and
-- expected times) and what the crew reported of the pupil. Written with run_state; read by the
-- parents' and schools' views and their notices, so none of them reads the event store.
create table pupil_journey (
  run_id              text not null references run (id) on delete cascade,
  pupil_id            text not null,
  service_date        date not null,
  direction           text not null check (direction in ('AM', 'PM')),
  school_id           text not null,
  pickup_stop_id      text not null,
  planned_pickup_at   timestamptz not null,
  expected_pickup_at  timestamptz,
  dropoff_stop_id     text not null,
  planned_dropoff_at  timestamptz not null,
  expected_dropoff_at timestamptz,
  pickup_reached_at   timestamptz,
  dropoff_reached_at  timestamptz,
  started_at          timestamptz,
  boarded_at          timestamptz,
  absent_at           timestamptz,
  dropped_at          timestamptz,
  dropped_stop_id     text,
  dropped_off_plan    boolean not null default false,
  cancelled_at        timestamptz,
  updated_at          timestamptz not null,
  primary key (run_id, pupil_id)
);
create index pupil_journey_pupil on pupil_journey (pupil_id, service_date);
create index pupil_journey_school on pupil_journey (school_id, service_date);

-- A parent's link to one pupil. Only the token's hash is kept.
create table parent_link (
  id         bigint generated always as identity primary key,
  pupil_id   text not null references pupil (id),
  token_hash bytea not null unique,
  created_by text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index parent_link_pupil on parent_link (pupil_id);

-- The one email address a parent may give, per link. Nothing is sent to it but the confirmation
-- until confirmed_at is set. The unsubscribe code only ever unsubscribes, so it is kept as sent.
create table parent_subscription (
  link_id          bigint primary key references parent_link (id),
  email            text not null,
  notify           text[] not null,
  confirm_hash     bytea not null,
  confirmed_at     timestamptz,
  unsubscribe_code text not null unique,
  created_at       timestamptz not null,
  -- Confirmation emails sent on confirmations_day, so a link cannot make the service spam.
  confirmations_day  date not null,
  confirmations_sent integer not null
);

-- What each subscription has been told, so each notice goes once (a late notice again only when
-- the delay has grown by the step).
create table parent_notice (
  link_id    bigint not null references parent_link (id),
  run_id     text not null,
  kind       text not null check (kind in ('late', 'cancelled', 'picked_up', 'dropped_off')),
  minutes    integer not null,
  created_at timestamptz not null,
  primary key (link_id, run_id, kind, minutes)
);

-- Messages parents send the service and its replies. Neither keeps an address: a reply is
-- emailed to the link's confirmed subscription, if there is one when it is sent.
create table parent_message (
  id          bigint generated always as identity primary key,
  link_id     bigint not null references parent_link (id),
  pupil_id    text not null,
  category    text not null check (category in ('late', 'not_arrived', 'change', 'other')),
  text        text not null,
  state       text not null default 'open' check (state in ('open', 'answered', 'closed')),
  created_at  timestamptz not null,
  answered_at timestamptz,
  closed_at   timestamptz
);
create index parent_message_link on parent_message (link_id, created_at);
create index parent_message_state on parent_message (state, id);
create index parent_message_created on parent_message (created_at);

create table parent_message_reply (
  id         bigint generated always as identity primary key,
  message_id bigint not null references parent_message (id),
  author     text not null,
  text       text not null,
  created_at timestamptz not null
);
create index parent_message_reply_message on parent_message_reply (message_id, id);

alter table live_event drop constraint live_event_kind_check;
alter table live_event add constraint live_event_kind_check
  check (kind in ('alert', 'run', 'message'));

-- Parents' emails go through the outbox like every other; theirs carry an unsubscribe address.
alter table outbox drop constraint outbox_kind_check;
alter table outbox add constraint outbox_kind_check
  check (kind in ('alert', 'escalation', 'resolution', 'digest', 'weekly_kpi', 'parent'));
alter table outbox add column unsubscribe_url text;
