-- The client-record journal: one appended entry per write to a client's care record, never changed or removed
-- (a correction is a new entry). The snapshot is a cache of the record folded up to some seq, freely replaced.

CREATE TABLE record_journal (
    client_id   text NOT NULL,
    seq         bigint NOT NULL,      -- the entry's place in its client's record
    entry_id    text NOT NULL,        -- the writer's id for the entry: appending it twice is a unique violation
    kind        text NOT NULL,
    recorded_at timestamptz NOT NULL,
    entry       jsonb NOT NULL,
    PRIMARY KEY (client_id, seq),
    UNIQUE (client_id, entry_id)
);

CREATE TABLE record_snapshot (
    client_id text PRIMARY KEY,
    seq       bigint NOT NULL,        -- the last journal entry folded into the record
    record    jsonb NOT NULL,
    taken_at  timestamptz NOT NULL
);

CREATE FUNCTION record_journal_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_LEVEL = 'ROW' THEN
        RAISE EXCEPTION 'record_journal is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('Entry %s of client %s.', OLD.seq, OLD.client_id),
                  HINT = 'Correct a client record by appending a new entry; entries are never changed or removed.';
    END IF;
    RAISE EXCEPTION 'record_journal is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Correct a client record by appending a new entry; entries are never changed or removed.';
END;
$fn$;

-- Triggers bind every role, the owner and superusers included. ENABLE ALWAYS keeps them firing even in a session
-- with session_replication_role = replica, which silences ordinary triggers.
CREATE TRIGGER record_journal_append_only
    BEFORE UPDATE OR DELETE ON record_journal
    FOR EACH ROW EXECUTE FUNCTION record_journal_refuse_change();

CREATE TRIGGER record_journal_no_truncate
    BEFORE TRUNCATE ON record_journal
    FOR EACH STATEMENT EXECUTE FUNCTION record_journal_refuse_change();

ALTER TABLE record_journal ENABLE ALWAYS TRIGGER record_journal_append_only;
ALTER TABLE record_journal ENABLE ALWAYS TRIGGER record_journal_no_truncate;
