-- Text that is stored must be text that reads back: the API now refuses control characters (in
-- JSON, as \u escapes; tab and newline only in prose) and identifiers outside letters, digits and
-- "- _ . : /". Events stored before that rule stay as they were (the store is never rewritten);
-- this table lists those that would be refused today, so they can be reviewed, and the server
-- reports their number at start.
create table event_unreadable (
  seq    bigint primary key references event (seq),
  reason text not null
);

insert into event_unreadable (seq, reason)
select seq,
       case
         when event_id !~ '^[A-Za-z0-9_.:/-]{1,100}$' then 'eventId is not an identifier'
         when run_id is not null and run_id !~ '^[A-Za-z0-9_.:/-]{1,100}$'
           then 'runId is not an identifier'
         else 'the body holds a control character'
       end
from event
where event_id !~ '^[A-Za-z0-9_.:/-]{1,100}$'
   or (run_id is not null and run_id !~ '^[A-Za-z0-9_.:/-]{1,100}$')
   -- an escape of U+0000-U+0008, U+000B-U+001F or U+007F-U+009F not itself escaped
   or body::text ~ '(^|[^\\])(\\\\)*\\u00(0[0-8bBcCdDeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])'
   or body::text ~ '[\u007f-\u009f]';
