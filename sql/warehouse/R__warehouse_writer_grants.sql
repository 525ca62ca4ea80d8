-- Purpose: the rights of warehouse_writer, the role the jobs connect as (through a login that is a
-- member of it, see job_login.sql): read and write rows in staging, warehouse and audit, and nothing
-- else. No DDL, no other schema, no Flyway history: the migrations run as the owner of the schemas,
-- the jobs never change the schema at run time.
--
-- Repeatable (R__): Flyway runs it after the versioned migrations and again whenever this file
-- changes. Tables and sequences that later migrations create get the same rights by the default
-- privileges below (they apply to objects the role running the migrations creates).
-- The migration owner needs CREATEROLE for the first run, or a DBA creates the role beforehand:
--   CREATE ROLE warehouse_writer NOLOGIN;
-- No DELETE: the jobs delete softly (is_deleted), and upserts and inserts are all they run. Forgetting
-- a customer deletes, but only through warehouse.forget_customer, which runs as its owner.

DO $writer$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'warehouse_writer') THEN
        CREATE ROLE warehouse_writer NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
    END IF;
END
$writer$;

GRANT USAGE ON SCHEMA staging, warehouse, audit TO warehouse_writer;

GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA staging, warehouse, audit TO warehouse_writer;

GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA staging, warehouse, audit TO warehouse_writer;

-- Flyway's own table lives in audit; only the owner writes it.
REVOKE ALL ON audit.flyway_schema_history FROM warehouse_writer;

ALTER DEFAULT PRIVILEGES IN SCHEMA staging, warehouse, audit
    GRANT SELECT, INSERT, UPDATE ON TABLES TO warehouse_writer;

-- Tombstones and the record of forget requests are written by warehouse.forget_customer alone: a
-- job could otherwise un-forget a customer or rewrite who asked.
REVOKE INSERT, UPDATE ON warehouse.forgotten_customer, audit.forget_log FROM warehouse_writer;

GRANT EXECUTE ON PROCEDURE warehouse.forget_customer(INTEGER) TO warehouse_writer;

ALTER DEFAULT PRIVILEGES IN SCHEMA staging, warehouse, audit
    GRANT USAGE, SELECT ON SEQUENCES TO warehouse_writer;

-- Before PostgreSQL 15 every role may create tables in public; the jobs must not. Only the owner of
-- public can revoke this (others get a warning and nothing changes).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
