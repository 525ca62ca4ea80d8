-- Purpose: the turnstile aggregates (per-turnstile and per-station event-time windows), the
-- records the job could not use (rejects) and the counter readings it would not count (anomalies).

-- The original consumer's grouping. Keyed by window and grouping so a replay rewrites the same rows.
CREATE TABLE warehouse.turnstile_window (
    window_start    TIMESTAMP   NOT NULL,
    window_end      TIMESTAMP   NOT NULL,
    ca              TEXT        NOT NULL,
    unit            TEXT        NOT NULL,
    scp             TEXT        NOT NULL,
    station         TEXT        NOT NULL,
    linename        TEXT        NOT NULL,
    division        TEXT        NOT NULL,
    reading_date    DATE        NOT NULL,
    description     TEXT        NOT NULL,
    entries         BIGINT      NOT NULL,
    exits           BIGINT      NOT NULL,
    readings        BIGINT      NOT NULL,
    loaded_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT turnstile_window_pk PRIMARY KEY
        (window_start, window_end, ca, unit, scp, station, linename, division, reading_date, description)
);

COMMENT ON TABLE warehouse.turnstile_window IS
    'Entries/exits per turnstile grouping (C/A, UNIT, SCP, STATION, LINENAME, DIVISION, DATE, DESC) and event-time window (local NYC wall clock).';

-- Station rollup for "busiest stations by hour". STATION alone is not unique, hence LINENAME.
CREATE TABLE warehouse.station_window (
    window_start    TIMESTAMP   NOT NULL,
    window_end      TIMESTAMP   NOT NULL,
    station         TEXT        NOT NULL,
    linename        TEXT        NOT NULL,
    entries         BIGINT      NOT NULL,
    exits           BIGINT      NOT NULL,
    readings        BIGINT      NOT NULL,
    turnstiles      BIGINT      NOT NULL,
    loaded_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT station_window_pk PRIMARY KEY (window_start, window_end, station, linename)
);

CREATE INDEX station_window_busiest ON warehouse.station_window (window_start, entries DESC);

COMMENT ON TABLE warehouse.station_window IS
    'Entries/exits per station (STATION, LINENAME) and event-time window, with readings and distinct turnstiles counted.';

-- Every Kafka record the job could not use, byte for byte, with the reason. Keyed by its Kafka
-- coordinates so a replay after a failover inserts nothing twice.
CREATE TABLE warehouse.turnstile_rejects (
    topic           TEXT        NOT NULL,
    kafka_partition INTEGER     NOT NULL,
    kafka_offset    BIGINT      NOT NULL,
    reason          TEXT        NOT NULL,
    detail          TEXT,
    raw_payload     BYTEA,
    rejected_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT turnstile_rejects_pk PRIMARY KEY (topic, kafka_partition, kafka_offset)
);

CREATE INDEX turnstile_rejects_by_reason ON warehouse.turnstile_rejects (reason);

COMMENT ON TABLE warehouse.turnstile_rejects IS
    'Records not counted: unparseable, invalid, duplicate-free late arrivals (reason late). Raw payload kept.';

-- Consecutive readings of one turnstile that give no delta (gap) or an implausible one (anomaly).
CREATE TABLE warehouse.turnstile_anomalies (
    ca              TEXT        NOT NULL,
    unit            TEXT        NOT NULL,
    scp             TEXT        NOT NULL,
    station         TEXT        NOT NULL,
    reading_time    TIMESTAMP   NOT NULL,
    counter         TEXT        NOT NULL,
    kind            TEXT        NOT NULL,
    previous_time   TIMESTAMP   NOT NULL,
    previous_value  BIGINT      NOT NULL,
    current_value   BIGINT      NOT NULL,
    delta           BIGINT      NOT NULL,
    threshold       BIGINT,
    loaded_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT turnstile_anomalies_pk PRIMARY KEY (ca, unit, scp, station, reading_time, counter),
    CONSTRAINT turnstile_anomalies_kind_ck CHECK (kind IN ('gap', 'anomaly'))
);

COMMENT ON TABLE warehouse.turnstile_anomalies IS
    'Pairs of readings whose counter difference was not counted: gap (readings too far apart) or anomaly (delta above the plausible maximum: resets, wrap near 2^31, jumps).';
