-- A customer's complaints of the last hour, counted at every filing against the hourly limit:
-- the customer's own, newest included, without reading each ticket's row. Through
-- tickets_customer the count read every ticket the customer ever had, each from the table
-- (about 2 µs a ticket on SQLite; bench/README.md, finding 53).
CREATE INDEX tickets_customer_filed ON tickets (customer_id, created_by, created_at);
