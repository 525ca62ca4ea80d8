-- Purpose: the load audit: what each job wrote per table, and how far behind it is.
SELECT job_name,
       target_table,
       count(*) AS loads,
       sum(rows_inserted) AS inserted,
       sum(rows_updated) AS updated,
       sum(rows_deleted) AS deleted,
       sum(rows_skipped) AS skipped,
       max(finished_at) AS last_load,
       now() - max(finished_at) AS since_last_load
FROM audit.load_audit
GROUP BY job_name, target_table
ORDER BY job_name, target_table;
