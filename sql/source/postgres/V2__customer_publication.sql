-- Purpose: the logical-replication publication the postgres-cdc source (pgoutput) reads, limited to the
-- four tables of the customer dimension. Created here by the tables' owner because CREATE PUBLICATION
-- needs ownership (FOR TABLE) or superuser (FOR ALL TABLES), which the CDC user has neither of.
-- The job names it with debezium publication.name = customer_dimension and
-- publication.autocreate.mode = disabled, so the connector never tries to create one itself.
-- Idempotent: a re-run resets the table list.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'customer_dimension') THEN
        CREATE PUBLICATION customer_dimension FOR TABLE country, city, address, customer;
    ELSE
        ALTER PUBLICATION customer_dimension SET TABLE country, city, address, customer;
    END IF;
END
$$;
