-- Purpose: the WAL, role and table settings the postgres-cdc source depends on, one (setting, value) row
-- each, read by SourceCheck at job start as the CDC user. Everything here is readable without superuser.
-- Expected: wal_level = logical; free replication slots and WAL senders; rolreplication = true; for each
-- of country, city, address, customer: replica_identity f (FULL), select = true, and membership in the
-- customer_dimension publication.

SELECT 'wal_level' AS setting, current_setting('wal_level') AS value
UNION ALL
SELECT 'max_replication_slots', current_setting('max_replication_slots')
UNION ALL
SELECT 'max_wal_senders', current_setting('max_wal_senders')
UNION ALL
SELECT 'replication_slots_used', (SELECT count(*)::TEXT FROM pg_replication_slots)
UNION ALL
-- Existing slots (plugin, active): the job's own slot survives restarts and is not a new one.
SELECT 'slot.' || slot_name::TEXT, COALESCE(plugin::TEXT, '') || ',' || active::TEXT
FROM pg_replication_slots
UNION ALL
SELECT 'server_version_num', current_setting('server_version_num')
UNION ALL
SELECT 'current_user', current_user::TEXT
UNION ALL
SELECT 'current_schema', current_schema()::TEXT
UNION ALL
SELECT 'rolreplication', (SELECT rolreplication::TEXT FROM pg_roles WHERE rolname = current_user)
UNION ALL
SELECT 'rolsuper', (SELECT rolsuper::TEXT FROM pg_roles WHERE rolname = current_user)
UNION ALL
-- relreplident: d = default (primary key), f = full, i = index, n = nothing.
SELECT 'replica_identity.' || c.relname, c.relreplident::TEXT
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema()
  AND c.relkind IN ('r', 'p')
  AND c.relname IN ('country', 'city', 'address', 'customer')
UNION ALL
SELECT 'primary_key.' || c.relname, 'true'
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE i.indisprimary
  AND n.nspname = current_schema()
  AND c.relname IN ('country', 'city', 'address', 'customer')
UNION ALL
SELECT 'select.' || c.relname, has_table_privilege(c.oid, 'SELECT')::TEXT
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema()
  AND c.relkind IN ('r', 'p')
  AND c.relname IN ('country', 'city', 'address', 'customer')
UNION ALL
SELECT 'publication.' || pt.tablename::TEXT, string_agg(pt.pubname::TEXT, ',' ORDER BY pt.pubname)
FROM pg_publication_tables pt
WHERE pt.schemaname = current_schema()
  AND pt.tablename IN ('country', 'city', 'address', 'customer')
GROUP BY pt.tablename;
