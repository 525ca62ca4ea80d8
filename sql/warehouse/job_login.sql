-- Purpose: the login the jobs connect to the warehouse with (warehouse.username): a member of
-- warehouse_writer (R__warehouse_writer_grants.sql) and nothing more: no superuser, no CREATEDB,
-- no CREATEROLE, owner of nothing. Run as a role with CREATEROLE (or a superuser), once per
-- PostgreSQL server: roles belong to the server, the grants of warehouse_writer to each database.
-- Not a migration (no V/R prefix): the sandbox, `./pipeline services` and the tests run it through
-- WarehouseRoles.createJobLogin; by hand, replace ${job_user} (lower case letters, digits, _) and
-- ${job_password} (single quotes doubled) and run it with psql.
-- Idempotent: a re-run resets the password.

DO $job$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'warehouse_writer') THEN
        CREATE ROLE warehouse_writer NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${job_user}') THEN
        CREATE ROLE ${job_user} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
            PASSWORD '${job_password}';
    ELSE
        ALTER ROLE ${job_user} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
            PASSWORD '${job_password}';
    END IF;
END
$job$;

GRANT warehouse_writer TO ${job_user};
