-- The plan: what the council has contracted for. Pupil ids are pseudonymous references.
create table operator (
  id    text primary key,
  name  text not null,
  email text
);

create table school (
  id          text primary key,
  name        text not null,
  lat         double precision not null,
  lon         double precision not null,
  start_time  time not null,
  finish_time time not null,
  phase       text not null check (phase in ('primary', 'secondary', 'special'))
);

create table pupil (
  id                  text primary key,
  school_id           text not null references school (id),
  max_journey_minutes integer check (max_journey_minutes > 0)
);

create table crew (
  id                      text primary key,
  operator_id             text not null references operator (id),
  role                    text not null check (role in ('driver', 'guide')),
  dbs_certificate_number  text,
  dbs_issued_on           date,
  dbs_outcome             text check (dbs_outcome in ('clear', 'positive')),
  dbs_barred_list_checked boolean,
  dbs_update_service      boolean,
  hr_clearance            text check (hr_clearance in ('cleared', 'refused')),
  badge_number            text,
  badge_authority         text,
  badge_expires_on        date
);
create index crew_operator on crew (operator_id);

create table route (
  id             text primary key,
  operator_id    text not null references operator (id),
  school_id      text not null references school (id),
  requires_guide boolean not null
);
create index route_operator on route (operator_id);

create table run (
  id               text primary key,
  route_id         text not null references route (id),
  service_date     date not null,
  direction        text not null check (direction in ('AM', 'PM')),
  arrive_by        time not null,
  planned_driver_id text references crew (id),
  planned_guide_id  text references crew (id)
);
create index run_service_date on run (service_date);
create index run_route on run (route_id);

create table stop (
  run_id       text not null references run (id) on delete cascade,
  id           text not null,
  seq          integer not null,
  lat          double precision not null,
  lon          double precision not null,
  planned_time time not null,
  primary key (run_id, id)
);

-- Which pupils a stop picks up and drops off.
create table stop_pupil (
  run_id   text not null,
  stop_id  text not null,
  pupil_id text not null references pupil (id),
  action   text not null check (action in ('pickup', 'dropoff')),
  primary key (run_id, stop_id, pupil_id, action),
  foreign key (run_id, stop_id) references stop (run_id, id) on delete cascade
);
create index stop_pupil_pupil on stop_pupil (pupil_id);
