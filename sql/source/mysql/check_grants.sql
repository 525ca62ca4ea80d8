-- Purpose: the privileges of the account the job connects as, checked by SourceCheck against the list in
-- cdc_user.sql. SHOW GRANTS for oneself needs no privilege on MySQL 8 or MariaDB.

SHOW GRANTS FOR CURRENT_USER();
