-- An event's owner and eventId are opaque identifiers, compared for equality only: byte order
-- ("C") gives the same uniqueness as the database's language collation, and every insert's check
-- of the (owner, event_id) key costs less.
alter table event
  alter column owner type text collate "C",
  alter column event_id type text collate "C";
