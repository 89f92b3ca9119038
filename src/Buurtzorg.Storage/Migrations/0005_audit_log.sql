-- The audit trail: one row per access to a client's record (who, role, team, when, what, the stated reason).
-- Append-only like the journal: rows cannot be changed or removed by anyone, the application included.
CREATE TABLE IF NOT EXISTS audit_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id text        NOT NULL,
    at        timestamptz NOT NULL,
    subject   text        NOT NULL,
    role      text        NOT NULL,
    team_id   text,
    action    text        NOT NULL,
    reason    text
);

CREATE INDEX IF NOT EXISTS audit_log_by_client ON audit_log (client_id, id);

CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- Fire even in sessions that silence ordinary triggers (session_replication_role = replica).
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_change;
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_truncate;
