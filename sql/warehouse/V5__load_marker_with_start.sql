-- Purpose: a load's commit marker names the load, not just its checkpoint.
-- A job id can repeat: an application-mode job with HA and a fixed job id, restored from an older
-- savepoint, numbers its checkpoints again from that savepoint's. Keyed by (job, table,
-- checkpoint, subtask) alone, a new load would find the marker of an earlier load with the same
-- numbers and be skipped as "committed before": lost. The time the load started buffering is
-- fixed when its checkpoint is taken and kept with it in state, so a restored load still finds
-- its own marker, while another run's load with the same numbers does not.

ALTER TABLE audit.load_audit DROP CONSTRAINT load_audit_pk;
ALTER TABLE audit.load_audit
    ADD CONSTRAINT load_audit_pk PRIMARY KEY (job_id, target_table, checkpoint_id, subtask, started_at);
