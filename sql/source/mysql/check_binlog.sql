-- Purpose: the binlog settings the mysql-cdc source depends on, one (setting, value) row each, read by
-- SourceCheck at job start. Works on MySQL 8 and MariaDB; @@GLOBAL values are readable without privileges.
-- Expected: log_bin = 1 (ON), binlog_format = ROW, binlog_row_image = FULL, server_id <> 0, and one
-- table.<name> row per captured table. Grants are read separately (check_grants.sql).

SELECT 'log_bin' AS setting, CAST(@@GLOBAL.log_bin AS CHAR) AS value
UNION ALL
SELECT 'binlog_format', CAST(@@GLOBAL.binlog_format AS CHAR)
UNION ALL
SELECT 'binlog_row_image', CAST(@@GLOBAL.binlog_row_image AS CHAR)
UNION ALL
SELECT 'server_id', CAST(@@GLOBAL.server_id AS CHAR)
UNION ALL
SELECT 'version', CAST(VERSION() AS CHAR)
UNION ALL
SELECT 'current_user', CAST(CURRENT_USER() AS CHAR)
UNION ALL
-- The captured tables as this user sees them: a missing row means the table is absent or not readable.
SELECT CONCAT('table.', CAST(table_name AS CHAR)), CAST(table_type AS CHAR)
FROM information_schema.tables
WHERE table_schema = DATABASE()
  AND table_name IN ('country', 'city', 'address', 'customer');
