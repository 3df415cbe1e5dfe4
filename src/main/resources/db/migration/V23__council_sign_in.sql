-- Staff who sign in with the council's identity provider have no password here: they are known by
-- the provider (issuer) and its subject for them, and their role is set from its claims at each
-- sign-in.
alter table app_user alter column password_hash drop not null;
alter table app_user add column oidc_issuer text;
alter table app_user add column oidc_subject text;
alter table app_user add constraint app_user_oidc_check
  check ((oidc_issuer is null) = (oidc_subject is null));
alter table app_user add constraint app_user_can_sign_in_check
  check (password_hash is not null or oidc_subject is not null);
create unique index app_user_oidc_subject on app_user (oidc_issuer, oidc_subject)
  where oidc_subject is not null;

-- Sign-ins under way at the provider: each is taken (deleted) by the one callback that completes
-- it, so a state is good once, on any node. Only hashes of the state and of the cookie that binds
-- the sign-in to the browser that started it are kept; the PKCE verifier and nonce never leave here
-- but as the token request and the ID token check.
create table oidc_sign_in (
  state_hash    bytea primary key,
  browser_hash  bytea not null,
  code_verifier text not null,
  nonce         text not null,
  created_at    timestamptz not null
);
create index oidc_sign_in_created on oidc_sign_in (created_at);
