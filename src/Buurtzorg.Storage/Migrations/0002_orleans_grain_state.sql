-- Orleans grain state (Microsoft.Orleans.Persistence.AdoNet).
--
-- One row per (service, state name, grain key), with a real primary key: a write is one INSERT ... ON CONFLICT or one
-- conditional UPDATE, never a read followed by a write. The provider's GrainIdHash and GrainTypeHash parameters are
-- not needed for that and are ignored.
--
-- The version is the ETag. It is drawn from a sequence rather than counted up per row, so a row that is deleted and
-- written again never repeats an ETag an older activation may still hold.
--
-- Note the provider hands us the *state name* (the first argument of [PersistentState]) as GrainTypeString, and of
-- the grain id only its key (Guid or long plus extension, or the string key): two grain classes that use the same
-- state name and the same key would share a row. Give every grain's state its own name.

CREATE SEQUENCE orleans_grain_state_version AS integer CYCLE;

CREATE TABLE orleans_grain_state (
    service_id         text NOT NULL,
    grain_type         text NOT NULL,   -- the state name Orleans passes as GrainTypeString
    grain_id_n0        bigint NOT NULL, -- Guid keys: first 8 bytes; otherwise 0
    grain_id_n1        bigint NOT NULL, -- Guid keys: last 8 bytes; long keys: the key; string keys: 0
    grain_id_extension text NOT NULL,   -- the key extension, or the whole string key; '' when there is none
    payload            bytea,           -- null once cleared (the row stays, so its version keeps guarding it)
    version            integer NOT NULL,
    written_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension)
);

INSERT INTO orleansquery (querykey, querytext) VALUES

('ReadFromStorageKey', $sql$
SELECT payload AS "PayloadBinary", version AS "Version"
FROM orleans_grain_state
WHERE service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension = coalesce(@GrainIdExtensionString, '');
$sql$),

-- Without an expected version (a first write) the row is inserted, or nothing happens if it exists. With one, the row
-- is updated only while it still has that version. Either way one row comes back: the new version on success, the
-- expected version (or null) unchanged otherwise, which the provider turns into InconsistentStateException.
('WriteToStorageKey', $sql$
WITH inserted AS (
    INSERT INTO orleans_grain_state (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension,
                                     payload, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, coalesce(@GrainIdExtensionString, ''),
           @PayloadBinary, nextval('orleans_grain_state_version')
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension) DO NOTHING
    RETURNING version
), updated AS (
    UPDATE orleans_grain_state
    SET payload = @PayloadBinary, version = nextval('orleans_grain_state_version'), written_at = now()
    WHERE service_id = @ServiceId
      AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension = coalesce(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version
)
SELECT coalesce((SELECT version FROM inserted), (SELECT version FROM updated), @GrainStateVersion)
       AS "NewGrainStateVersion";
$sql$),

-- Clearing keeps the row without a payload and gives it a new version (the grain's next ETag).
('ClearStorageKey', $sql$
WITH cleared AS (
    UPDATE orleans_grain_state
    SET payload = NULL, version = nextval('orleans_grain_state_version'), written_at = now()
    WHERE service_id = @ServiceId
      AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension = coalesce(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version
)
SELECT coalesce((SELECT version FROM cleared), @GrainStateVersion) AS "NewGrainStateVersion";
$sql$),

-- With DeleteStateOnClear the row goes. The provider only needs an answer that differs from the expected version
-- on success; the unchanged expected version means a conflict.
('DeleteStorageKey', $sql$
WITH deleted AS (
    DELETE FROM orleans_grain_state
    WHERE service_id = @ServiceId
      AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension = coalesce(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version
)
SELECT coalesce((SELECT nextval('orleans_grain_state_version') FROM deleted), @GrainStateVersion)
       AS "NewGrainStateVersion";
$sql$)

ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
