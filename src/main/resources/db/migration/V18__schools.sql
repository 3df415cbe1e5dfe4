-- School staff: users with the role "school" and the one school they see.
alter table app_user drop constraint app_user_role_check;
alter table app_user add column school_id text;
alter table app_user add constraint app_user_role_check
  check (role in ('viewer', 'controller', 'manager', 'admin', 'school'));
alter table app_user add constraint app_user_school_check
  check ((role = 'school') = (school_id is not null));

-- The school office's address for transport notices (optional in the plan).
alter table school add column email text;

-- Each alert's school (its run's, or the school a school's report is about), so a school sees
-- its own alerts and nobody else's.
alter table alert add column school_id text;
update alert a set school_id = rt.school_id
from run r join route rt on rt.id = r.route_id
where r.id = a.run_id;
create index alert_school on alert (school_id, service_date) where school_id is not null;

-- What schools report to the control room: kept as the incident it is, beside its alert.
create table school_report (
  id         bigint generated always as identity primary key,
  school_id  text not null,
  run_id     text,
  pupil_id   text,
  category   text not null check (category in ('pupil_not_arrived', 'late', 'behaviour',
                                                 'safeguarding', 'other')),
  text       text not null,
  reported_by text not null,
  created_at timestamptz not null,
  alert_id   bigint references alert (id)
);
create index school_report_school on school_report (school_id, created_at);

-- What each school office has been told, so each notice goes once (a late one again only when
-- the delay has grown by the step).
create table school_notice (
  school_id  text not null,
  run_id     text not null,
  kind       text not null check (kind in ('late', 'cancelled', 'dropped_elsewhere')),
  subject    text not null,
  minutes    integer not null,
  created_at timestamptz not null,
  primary key (school_id, run_id, kind, subject, minutes)
);
create index school_notice_created on school_notice (created_at);

alter table outbox drop constraint outbox_kind_check;
alter table outbox add constraint outbox_kind_check
  check (kind in ('alert', 'escalation', 'resolution', 'digest', 'weekly_kpi', 'parent',
                  'school'));

-- An operator's integrator reads back the events its key sent, newest first.
create index event_owner_seq on event (owner, seq);

-- How the control room reaches an operator (optional in the plan).
alter table operator add column phone text;
alter table operator add column control_room_email text;

-- An alert email's type code, sent as a header while its subject says the problem in words.
alter table outbox add column alert_type text;
