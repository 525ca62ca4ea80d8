-- Purpose: the question the turnstile data exists to answer: the busiest stations, hour by hour.
-- STATION alone is not unique (e.g. 23 ST), so stations are told apart by LINENAME too.
SELECT window_start,
       station,
       linename,
       entries,
       exits,
       entries + exits AS traffic,
       turnstiles
FROM warehouse.station_window
WHERE window_end - window_start = INTERVAL '1 hour'
ORDER BY traffic DESC
LIMIT 20;
