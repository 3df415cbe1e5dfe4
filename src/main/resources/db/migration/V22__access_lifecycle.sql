-- Keys, users and sessions that can be taken back, and throttled sign-in.

-- When a key was last used: written at most once a minute per key per node, not per request.
alter table api_key add column last_used_at timestamptz;

-- A disabled user can neither log in nor use a session; the row stays for the record.
alter table app_user add column disabled_at timestamptz;

-- Every node caches known keys briefly; a revoked key is announced to all of them (whoever
-- revoked it: the API on any node or the command line), so it is refused at once everywhere.
create function api_key_revoked() returns trigger language plpgsql as $$
begin
  perform pg_notify('travelwatch_key_revoked', new.id::text);
  return new;
end $$;
create trigger api_key_revoked after update of revoked_at on api_key
  for each row when (new.revoked_at is not null and old.revoked_at is null)
  execute function api_key_revoked();

-- Failed sign-in tries, shared by every node: per account (the email as typed, known or not),
-- per client address for logins, and per client address for unknown API keys. A row is forgotten
-- once its window has passed without a failure and it is not locked.
create table login_throttle (
  kind            text not null check (kind in ('account', 'address', 'key_address')),
  subject         text not null,
  failures        int not null default 0,
  last_failure_at timestamptz,
  locked_until    timestamptz,
  primary key (kind, subject)
);
create index login_throttle_last_failure on login_throttle (last_failure_at);
