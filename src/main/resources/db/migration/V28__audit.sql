-- The audit trail: who reached a named child's data, or changed something, when and from where.
-- Append-only: no statement may change a row, and rows are deleted only by the retention job,
-- which says so for its own transaction (travelwatch.audit_retention).
create table audit (
  id          bigserial primary key,
  at          timestamptz not null,
  actor       text not null,
  address     text,
  action      text not null,
  object_type text,
  object_id   text,
  pupil_id    text
);
create index audit_at on audit (at);
create index audit_actor on audit (actor, id);
create index audit_pupil on audit (pupil_id, id) where pupil_id is not null;
create index audit_object on audit (object_type, object_id, id);

create function audit_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' and current_setting('travelwatch.audit_retention', true) = 'on' then
    return old;
  end if;
  raise exception 'audit records are append-only: % refused', tg_op;
end
$$;

create trigger audit_no_change before update or delete on audit
  for each row execute function audit_append_only();
create trigger audit_no_truncate before truncate on audit
  for each statement execute function audit_append_only();
