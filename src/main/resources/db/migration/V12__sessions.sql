-- Control-room sessions. Kept in the database, the one source of truth, so a session survives a
-- restart and is the same on every node. Only a SHA-256 hash of the session id is stored; the id
-- itself lives only in the user's cookie. Rows end at logout or are swept once expired.
create table app_session (
  id_hash      bytea primary key,
  user_id      bigint not null references app_user (id) on delete cascade,
  csrf_token   text not null,
  created_at   timestamptz not null,
  last_seen_at timestamptz not null
);
create index app_session_user on app_session (user_id);
create index app_session_last_seen on app_session (last_seen_at);
