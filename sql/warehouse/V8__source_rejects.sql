-- Purpose: change events the customer job cannot apply (a key or a value past what the dimension's
-- columns hold after a source column was widened, a source position the version cannot hold, an
-- event that is not a row change of a captured table), kept instead of dropped with a log line.
-- Keyed by the event's identity (its table, source position and key, or a hash of the event), so a
-- replay adds nothing twice. The event is stored with the e-mail policy applied to its row images.

CREATE TABLE audit.source_rejects (
    event_id        TEXT        NOT NULL,
    source_table    TEXT,
    record_key      TEXT,
    source_position TEXT,
    reason          TEXT        NOT NULL,
    event           TEXT,
    rejected_at     TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT source_rejects_pk PRIMARY KEY (event_id)
);

CREATE INDEX source_rejects_by_time ON audit.source_rejects (rejected_at);

COMMENT ON TABLE audit.source_rejects IS
    'Change events the customer job could not apply: source table, key and position where known, the reason, and the event (e-mail policy applied); the job kept going.';
