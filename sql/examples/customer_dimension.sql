-- Purpose: what the customer dimension holds: customers per country, and recent changes.
SELECT country,
       count(*) FILTER (WHERE NOT is_deleted) AS customers,
       count(*) FILTER (WHERE is_deleted) AS deleted
FROM warehouse.dim_customer
GROUP BY country
ORDER BY customers DESC
LIMIT 10;

SELECT customer_id, first_name, last_name, email, city, country, is_deleted, loaded_at
FROM warehouse.dim_customer
ORDER BY loaded_at DESC
LIMIT 10;
