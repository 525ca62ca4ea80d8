-- Purpose: the three schemas of the warehouse and the load audit that every sink writes.
-- staging   holds every source change as it arrived (replayable, idempotent on source position);
-- warehouse holds what analysts query (dimension, windowed facts, rejects, anomalies);
-- audit     records each successful load, one row per (job run, target table, checkpoint, writer).

CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS warehouse;
CREATE SCHEMA IF NOT EXISTS audit;

-- One row per writer subtask and checkpoint. The row is inserted in the same transaction as the
-- data it describes, so it doubles as the commit marker: a batch whose audit row exists was
-- applied, and a replay after a failover skips it (exactly-once into PostgreSQL). A checkpoint
-- that wrote nothing to a table leaves no row for it.
CREATE TABLE audit.load_audit (
    job_name        TEXT        NOT NULL,
    job_id          TEXT        NOT NULL,
    target_table    TEXT        NOT NULL,
    checkpoint_id   BIGINT      NOT NULL,
    subtask         INTEGER     NOT NULL,
    rows_inserted   BIGINT      NOT NULL DEFAULT 0,
    rows_updated    BIGINT      NOT NULL DEFAULT 0,
    rows_deleted    BIGINT      NOT NULL DEFAULT 0,
    rows_skipped    BIGINT      NOT NULL DEFAULT 0,
    min_event_time  TIMESTAMPTZ,
    max_event_time  TIMESTAMPTZ,
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    status          TEXT        NOT NULL DEFAULT 'COMMITTED',
    CONSTRAINT load_audit_pk PRIMARY KEY (job_id, target_table, checkpoint_id, subtask),
    CONSTRAINT load_audit_status_ck CHECK (status IN ('COMMITTED'))
);

CREATE INDEX load_audit_by_job_time ON audit.load_audit (job_name, target_table, finished_at);

COMMENT ON TABLE audit.load_audit IS
    'One row per successful load: job run, target table, Flink checkpoint and writer subtask; counts and event-time range of what that load wrote.';
