-- Purpose: staging of every customer-side source change, and the Type 1 customer dimension
-- (with an optional Type 2 history) kept current by the customer-dimension job.

-- Every change read from the OLTP source (customer, address, city, country), with audit columns.
-- Keyed by the change's position in the source log, so a replay inserts nothing twice.
CREATE TABLE staging.customer_changes (
    source_table     TEXT        NOT NULL,
    record_key       TEXT        NOT NULL,
    source_position  TEXT        NOT NULL,
    operation        TEXT        NOT NULL,
    source_version   BIGINT      NOT NULL,
    source_ts        TIMESTAMPTZ,
    before_image     JSONB,
    after_image      JSONB,
    ingested_at      TIMESTAMPTZ NOT NULL,
    job_id           TEXT        NOT NULL,
    load_id          BIGINT      NOT NULL,
    loaded_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT customer_changes_pk PRIMARY KEY (source_table, record_key, source_position),
    CONSTRAINT customer_changes_op_ck CHECK (operation IN ('r', 'c', 'u', 'd'))
);

CREATE INDEX customer_changes_by_load ON staging.customer_changes (load_id);

COMMENT ON TABLE staging.customer_changes IS
    'Every change of customer/address/city/country as read by CDC: r=snapshot read, c=insert, u=update, d=delete. Idempotent on (table, key, source position).';

-- One denormalised row per customer with current values only (Type 1). Deletes are soft.
-- source_version is the source log position of the newest change that shaped the row; the
-- upsert only applies a change whose version is not older, so replays and backfills are safe.
CREATE TABLE warehouse.dim_customer (
    customer_id     INTEGER     NOT NULL,
    store_id        INTEGER,
    first_name      TEXT,
    last_name       TEXT,
    email           TEXT,
    active          BOOLEAN,
    create_date     TIMESTAMP,
    address_id      INTEGER,
    address         TEXT,
    address2        TEXT,
    district        TEXT,
    postal_code     TEXT,
    phone           TEXT,
    city_id         INTEGER,
    city            TEXT,
    country_id      INTEGER,
    country         TEXT,
    is_deleted      BOOLEAN     NOT NULL DEFAULT FALSE,
    deleted_at      TIMESTAMPTZ,
    source_version  BIGINT      NOT NULL,
    source_ts       TIMESTAMPTZ,
    loaded_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT dim_customer_pk PRIMARY KEY (customer_id)
);

CREATE INDEX dim_customer_by_city ON warehouse.dim_customer (country, city);

COMMENT ON TABLE warehouse.dim_customer IS
    'Type 1 customer dimension: customer joined with address, city and country; soft deletes; guarded by source_version.';

-- Optional Type 2 history (customer.history=true): one row per version of a customer.
CREATE TABLE warehouse.dim_customer_history (
    customer_id     INTEGER     NOT NULL,
    source_version  BIGINT      NOT NULL,
    valid_from      TIMESTAMPTZ NOT NULL,
    valid_to        TIMESTAMPTZ,
    is_current      BOOLEAN     NOT NULL,
    store_id        INTEGER,
    first_name      TEXT,
    last_name       TEXT,
    email           TEXT,
    active          BOOLEAN,
    address_id      INTEGER,
    address         TEXT,
    district        TEXT,
    postal_code     TEXT,
    phone           TEXT,
    city            TEXT,
    country         TEXT,
    is_deleted      BOOLEAN     NOT NULL DEFAULT FALSE,
    loaded_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT dim_customer_history_pk PRIMARY KEY (customer_id, source_version)
);

CREATE UNIQUE INDEX dim_customer_history_one_current
    ON warehouse.dim_customer_history (customer_id) WHERE is_current;

COMMENT ON TABLE warehouse.dim_customer_history IS
    'SCD Type 2 history of dim_customer (off by default): valid_from/valid_to per source version.';
