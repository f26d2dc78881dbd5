-- The complaints a customer filed themselves (portal) within the last hour, counted at each
-- portal filing against the hourly limit: on SQLite from this index alone. Through
-- tickets_customer the count read every ticket the customer ever had, each from the table
-- (bench/README.md, finding 53).
CREATE INDEX tickets_customer_filed ON tickets (customer_id, created_by, created_at);
