-- Purpose: the right to be forgotten and the record of reconciliation runs.
-- A forgotten customer keeps a tombstone (its key and when it was forgotten); triggers on every
-- table the customer-dimension job writes consult it, so a later change, a replay of the source's
-- log or a new snapshot never brings the customer's personal data back, whichever writer sends it.
-- warehouse.forget_customer erases what is already stored; the jobs' role may call it, but not
-- delete rows itself.

CREATE TABLE warehouse.forgotten_customer (
    customer_id     INTEGER     NOT NULL,
    -- addresses that were the customer's alone: their staged images are personal data too
    address_ids     INTEGER[]   NOT NULL DEFAULT '{}',
    forgotten_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT forgotten_customer_pk PRIMARY KEY (customer_id)
);

COMMENT ON TABLE warehouse.forgotten_customer IS
    'Tombstones of forgotten customers: no personal data of these customers (or of the addresses listed) is stored again.';

-- One row per forget request: who asked, when, and how many rows it erased.
CREATE TABLE audit.forget_log (
    customer_id     INTEGER     NOT NULL,
    requested_by    TEXT        NOT NULL DEFAULT session_user,
    forgotten_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    dimension_rows  INTEGER     NOT NULL,
    history_rows    INTEGER     NOT NULL,
    staged_images   INTEGER     NOT NULL,
    dead_letters    INTEGER     NOT NULL
);

COMMENT ON TABLE audit.forget_log IS
    'Every ./pipeline forget (CALL warehouse.forget_customer): the customer, who asked, when and how many rows were erased.';

-- The row a dead letter held, by the key the writer knows it under (customer:42, address:7), so a
-- forgotten customer's refused rows can be found without parsing their content.
ALTER TABLE audit.dead_letters ADD COLUMN record_key TEXT;

CREATE INDEX dead_letters_by_record ON audit.dead_letters (record_key);

-- Whether a row keyed like staging.customer_changes (source table, record key) holds personal data
-- of a forgotten customer. Keys are compared as text, so a key of any shape never fails a load.
CREATE FUNCTION warehouse.is_forgotten_record(source_table TEXT, record_key TEXT)
    RETURNS BOOLEAN
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT CASE source_table
        WHEN 'customer' THEN EXISTS (
            SELECT 1 FROM warehouse.forgotten_customer f WHERE f.customer_id::text = record_key)
        WHEN 'address' THEN EXISTS (
            SELECT 1 FROM warehouse.forgotten_customer f WHERE record_key = ANY (f.address_ids::text[]))
        ELSE FALSE
    END
$fn$;

-- The dimension and its history: a forgotten customer's row is not written at all.
CREATE FUNCTION warehouse.keep_forgotten_customer_out()
    RETURNS TRIGGER
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF warehouse.is_forgotten_record('customer', NEW.customer_id::text) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$fn$;

CREATE TRIGGER dim_customer_keeps_forgotten_out
    BEFORE INSERT OR UPDATE ON warehouse.dim_customer
    FOR EACH ROW EXECUTE FUNCTION warehouse.keep_forgotten_customer_out();

CREATE TRIGGER dim_customer_history_keeps_forgotten_out
    BEFORE INSERT OR UPDATE ON warehouse.dim_customer_history
    FOR EACH ROW EXECUTE FUNCTION warehouse.keep_forgotten_customer_out();

-- Staging keeps the change (its key, position and load), so every load still counts the rows its
-- audit row says it wrote; only the row images, the personal data, are dropped.
CREATE FUNCTION staging.erase_forgotten_images()
    RETURNS TRIGGER
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF warehouse.is_forgotten_record(NEW.source_table, NEW.record_key) THEN
        NEW.before_image := NULL;
        NEW.after_image := NULL;
    END IF;
    RETURN NEW;
END
$fn$;

CREATE TRIGGER customer_changes_erase_forgotten
    BEFORE INSERT ON staging.customer_changes
    FOR EACH ROW EXECUTE FUNCTION staging.erase_forgotten_images();

-- A refused row of a forgotten customer is not kept: its content is the personal data.
CREATE FUNCTION audit.drop_forgotten_dead_letter()
    RETURNS TRIGGER
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF NEW.record_key IS NOT NULL AND warehouse.is_forgotten_record(
            split_part(NEW.record_key, ':', 1), split_part(NEW.record_key, ':', 2)) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$fn$;

CREATE TRIGGER dead_letters_drop_forgotten
    BEFORE INSERT ON audit.dead_letters
    FOR EACH ROW EXECUTE FUNCTION audit.drop_forgotten_dead_letter();

-- Erases a customer's personal data from everything the pipeline stored and leaves the tombstone.
-- SECURITY DEFINER: the jobs' role may call it (R__warehouse_writer_grants.sql) without holding
-- DELETE itself. Calling it again for the same customer erases what arrived since, if anything.
CREATE PROCEDURE warehouse.forget_customer(customer INTEGER)
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    addresses       INTEGER[];
    n_dimension_rows INTEGER;
    n_history_rows   INTEGER;
    n_staged_images  INTEGER;
    n_dead_letters   INTEGER;
BEGIN
    IF customer IS NULL THEN
        RAISE EXCEPTION 'forget_customer needs a customer id' USING ERRCODE = '22004';
    END IF;
    -- an address another live customer lives at is theirs too, and stays
    SELECT coalesce(array_agg(DISTINCT a), '{}') INTO addresses
    FROM (
        SELECT address_id AS a FROM warehouse.dim_customer WHERE customer_id = customer
        UNION SELECT address_id FROM warehouse.dim_customer_history WHERE customer_id = customer
        UNION SELECT (image ->> 'address_id')::INTEGER
            FROM staging.customer_changes c,
                 LATERAL (VALUES (c.before_image), (c.after_image)) AS i (image)
            WHERE c.source_table = 'customer' AND c.record_key = customer::text
    ) mine
    WHERE a IS NOT NULL
      AND NOT EXISTS (
          SELECT 1 FROM warehouse.dim_customer d
          WHERE d.address_id = mine.a AND d.customer_id <> customer AND NOT d.is_deleted);

    INSERT INTO warehouse.forgotten_customer (customer_id, address_ids)
    VALUES (customer, addresses)
    ON CONFLICT (customer_id) DO UPDATE
        SET address_ids = ARRAY(
            SELECT DISTINCT unnest(forgotten_customer.address_ids || EXCLUDED.address_ids));

    DELETE FROM warehouse.dim_customer WHERE customer_id = customer;
    GET DIAGNOSTICS n_dimension_rows = ROW_COUNT;
    DELETE FROM warehouse.dim_customer_history WHERE customer_id = customer;
    GET DIAGNOSTICS n_history_rows = ROW_COUNT;
    UPDATE staging.customer_changes
    SET before_image = NULL, after_image = NULL
    WHERE ((source_table = 'customer' AND record_key = customer::text)
           OR (source_table = 'address' AND record_key = ANY (addresses::text[])))
      AND (before_image IS NOT NULL OR after_image IS NOT NULL);
    GET DIAGNOSTICS n_staged_images = ROW_COUNT;
    DELETE FROM audit.dead_letters
    WHERE record_key = 'customer:' || customer
       OR record_key IN (SELECT 'address:' || unnest(addresses));
    GET DIAGNOSTICS n_dead_letters = ROW_COUNT;

    INSERT INTO audit.forget_log
        (customer_id, dimension_rows, history_rows, staged_images, dead_letters)
    VALUES (customer, n_dimension_rows, n_history_rows, n_staged_images, n_dead_letters);
END
$fn$;

REVOKE ALL ON PROCEDURE warehouse.forget_customer(INTEGER) FROM PUBLIC;

-- One row per ./pipeline reconcile run, and one per difference it found. A difference names the
-- check and the key (a customer id, a window, a load) and which columns differ, never the values:
-- this table must not become a copy of personal data.
CREATE TABLE audit.reconcile_run (
    run_id          BIGINT      GENERATED ALWAYS AS IDENTITY,
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    differences     INTEGER     NOT NULL,
    fixed           INTEGER     NOT NULL DEFAULT 0,
    remaining       INTEGER     NOT NULL,
    CONSTRAINT reconcile_run_pk PRIMARY KEY (run_id)
);

CREATE TABLE audit.reconcile_difference (
    run_id          BIGINT      NOT NULL REFERENCES audit.reconcile_run (run_id),
    check_name      TEXT        NOT NULL,
    item            TEXT        NOT NULL,
    detail          TEXT        NOT NULL,
    fixed           BOOLEAN     NOT NULL DEFAULT FALSE
);

CREATE INDEX reconcile_difference_by_run ON audit.reconcile_difference (run_id);

COMMENT ON TABLE audit.reconcile_run IS
    'Every ./pipeline reconcile: differences found between the warehouse and its sources, how many --fix repaired, how many remain.';
