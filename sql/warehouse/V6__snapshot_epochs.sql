-- Purpose: versions that order snapshots too.
-- A snapshot read has no log position of its own (source_version 0), so before this a dimension
-- row written by a later change refused every read of a new snapshot: a deployment without state,
-- a re-snapshot after a purged binlog or a switched e-mail policy left stale rows in place.
-- Every row now also carries the epoch of the job lifetime that wrote it: the time that job started
-- without state, kept in its checkpoints. Rows are ordered by (snapshot_epoch, source_version), so
-- a new snapshot's reads win over everything an older lifetime wrote, and the changes the new
-- lifetime streams after its snapshot win over its reads. Existing rows belong to epoch 0.

ALTER TABLE warehouse.dim_customer ADD COLUMN snapshot_epoch BIGINT NOT NULL DEFAULT 0;

COMMENT ON COLUMN warehouse.dim_customer.snapshot_epoch IS
    'Epoch (start time in epoch milliseconds) of the job lifetime and snapshot that wrote the row; rows are ordered by (snapshot_epoch, source_version).';

ALTER TABLE staging.customer_changes ADD COLUMN snapshot_epoch BIGINT NOT NULL DEFAULT 0;

COMMENT ON COLUMN staging.customer_changes.snapshot_epoch IS
    'Epoch of the job lifetime that staged the change; each snapshot stages its reads under its own epoch.';

-- The optional history orders its versions the same way: a new snapshot's read of a customer closes
-- the current row of an older lifetime (e-mails stored under a new policy, a row the old log never
-- reached) instead of being taken for a replay of version 0.
ALTER TABLE warehouse.dim_customer_history ADD COLUMN snapshot_epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE warehouse.dim_customer_history DROP CONSTRAINT dim_customer_history_pk;
ALTER TABLE warehouse.dim_customer_history
    ADD CONSTRAINT dim_customer_history_pk PRIMARY KEY (customer_id, snapshot_epoch, source_version);
