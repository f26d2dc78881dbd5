-- Customer search by words through a full-text index (name, number, email, address and the
-- phone as typed locally), kept by a trigger. `LOWER(col) LIKE '%q%'` read every customer: 16–50
-- searches a second at 100,000 customers. Punctuation becomes spaces first, so an email or a
-- PLG number splits into words as SQLite's tokenizer splits it.
CREATE TABLE customer_search (
    id BIGINT PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    doc TSVECTOR NOT NULL
);
CREATE INDEX customer_search_doc ON customer_search USING GIN (doc);

CREATE FUNCTION customer_search_doc(c customers) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT to_tsvector('simple', regexp_replace(
        c.name || ' ' || c.number || ' ' || COALESCE(c.email, '') || ' ' || c.address
        || ' ' || c.phone || ' ' || substr(c.phone, 4) || ' 0' || substr(c.phone, 4),
        '[[:space:][:punct:]]+', ' ', 'g'))
$$;

CREATE FUNCTION customer_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_search (id, doc) VALUES (NEW.id, customer_search_doc(NEW))
        ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc;
    RETURN NULL;
END
$$;

CREATE TRIGGER customers_search AFTER INSERT OR UPDATE OF name, number, email, address, phone
    ON customers FOR EACH ROW EXECUTE FUNCTION customer_search_keep();

INSERT INTO customer_search (id, doc) SELECT id, customer_search_doc(customers) FROM customers;

-- The customer list filtered by area and status, newest first (it walked customers_status).
CREATE INDEX customers_area_status ON customers (area_id, status, id);

-- One customer's low ratings for the risk score on the customer page (it read every rating of
-- the last 90 days through ratings_created).
CREATE INDEX ratings_customer ON ratings (customer_id, created_at);
