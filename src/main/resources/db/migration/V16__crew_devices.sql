-- Crew phones. The office makes a one-time sign-in code for a crew member; the phone trades it
-- for a device token. Only SHA-256 hashes of codes and tokens are stored. A code's first three
-- digits say which code is being tried (at most one live code has them), so five wrong tries
-- against one code burn that code and no other.
create table crew_sign_in_code (
  id          bigint generated always as identity primary key,
  crew_id     text not null references crew (id),
  operator_id text not null references operator (id),
  prefix      text not null,
  code_hash   bytea not null,
  created_at  timestamptz not null,
  expires_at  timestamptz not null,
  wrong_tries int not null default 0,
  used_at     timestamptz
);
create index crew_sign_in_code_prefix on crew_sign_in_code (prefix, expires_at);

create table crew_device (
  id           bigint generated always as identity primary key,
  crew_id      text not null references crew (id),
  operator_id  text not null references operator (id),
  token_hash   bytea not null unique,
  name         text,
  created_at   timestamptz not null,
  last_used_at timestamptz not null,
  revoked_at   timestamptz
);
create index crew_device_crew on crew_device (crew_id);
