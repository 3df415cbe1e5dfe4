-- API keys are stored only as SHA-256 hashes; each is bound to one operator or one scope.
create table api_key (
  id          bigserial primary key,
  key_hash    bytea not null unique,
  prefix      text not null,
  operator_id text references operator (id),
  scope       text check (scope in ('telephony', 'casework', 'hr', 'admin', 'control')),
  created_at  timestamptz not null default now(),
  revoked_at  timestamptz,
  check ((operator_id is null) <> (scope is null))
);

-- Control-room users; passwords are PBKDF2 hashes.
create table app_user (
  id            bigserial primary key,
  email         text not null unique,
  role          text not null check (role in ('viewer', 'controller', 'manager', 'admin')),
  password_hash text not null,
  created_at    timestamptz not null default now()
);
