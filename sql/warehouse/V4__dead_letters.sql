-- Purpose: rows the warehouse refused for their data, kept instead of blocking their load.
-- A load whose statement fails with a data error (SQLSTATE class 22, such as a NUL in a string or
-- a number out of range, or class 23, an integrity violation) is written again row by row; each
-- refused row lands here with the error and its content, and the rest of the load commits.
-- Keyed by the load and the row's position in it, so a load applied again after a restore adds
-- nothing twice.

CREATE TABLE audit.dead_letters (
    job_name        TEXT        NOT NULL,
    job_id          TEXT        NOT NULL,
    target_table    TEXT        NOT NULL,
    checkpoint_id   BIGINT      NOT NULL,
    subtask         INTEGER     NOT NULL,
    load_started_at TIMESTAMPTZ NOT NULL,
    row_index       INTEGER     NOT NULL,
    sql_state       TEXT        NOT NULL,
    error           TEXT        NOT NULL,
    row_content     TEXT        NOT NULL,
    dead_lettered_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT dead_letters_pk
        PRIMARY KEY (job_id, target_table, checkpoint_id, subtask, load_started_at, row_index)
);

CREATE INDEX dead_letters_by_table_time ON audit.dead_letters (target_table, dead_lettered_at);

COMMENT ON TABLE audit.dead_letters IS
    'Rows the warehouse refused for their data (SQLSTATE classes 22 and 23): the load, the row''s position in it, the error and the row; the rest of the load committed.';

ALTER TABLE audit.load_audit ADD COLUMN rows_dead_lettered BIGINT NOT NULL DEFAULT 0;
