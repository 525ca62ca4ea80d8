-- Purpose: the least-privilege role the postgres-cdc source connects as. Run as the owner of the tables
-- (or a superuser). ${cdc_user}, ${cdc_password}, ${database} and ${schema} are placeholders that
-- SourceSchema.createCdcUser fills in (identifiers checked, the password quoted for a string literal).
--
-- What each privilege is for:
--   LOGIN REPLICATION : open a replication connection and create/read the logical replication slot.
--   CONNECT, USAGE    : reach the database and the schema of the captured tables.
--   SELECT            : the snapshot phase reads the four captured tables (nothing else).
-- The publication itself belongs to the table owner (V2__customer_publication.sql). pg_hba.conf must
-- also allow a "replication" connection for this role; that file cannot be changed from SQL.
-- Idempotent: a re-run resets the password and re-applies the grants.

DO $cdc$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${cdc_user}') THEN
        CREATE ROLE ${cdc_user} WITH LOGIN REPLICATION PASSWORD '${cdc_password}';
    ELSE
        ALTER ROLE ${cdc_user} WITH LOGIN REPLICATION PASSWORD '${cdc_password}';
    END IF;
END
$cdc$;

GRANT CONNECT ON DATABASE "${database}" TO ${cdc_user};

GRANT USAGE ON SCHEMA "${schema}" TO ${cdc_user};

GRANT SELECT ON "${schema}".country, "${schema}".city, "${schema}".address, "${schema}".customer TO ${cdc_user};
