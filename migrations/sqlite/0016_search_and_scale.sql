-- Customer search by words through a full-text index (name, number, email, address and the
-- phone as typed locally), kept by triggers. `LOWER(col) LIKE '%q%'` read every customer: 16–50
-- searches a second at 100,000 customers.
CREATE VIRTUAL TABLE customer_search USING fts5 (
    doc,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The phone as stored (+62…), without the country code and in the local 0… form, so a number
-- typed either way is a word prefix.
CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customer_search (rowid, doc) VALUES (NEW.id,
        NEW.name || ' ' || NEW.number || ' ' || COALESCE(NEW.email, '') || ' ' || NEW.address
        || ' ' || NEW.phone || ' ' || substr(NEW.phone, 4) || ' 0' || substr(NEW.phone, 4));
END;

CREATE TRIGGER customers_search_update AFTER UPDATE OF name, number, email, address, phone
ON customers BEGIN
    DELETE FROM customer_search WHERE rowid = OLD.id;
    INSERT INTO customer_search (rowid, doc) VALUES (NEW.id,
        NEW.name || ' ' || NEW.number || ' ' || COALESCE(NEW.email, '') || ' ' || NEW.address
        || ' ' || NEW.phone || ' ' || substr(NEW.phone, 4) || ' 0' || substr(NEW.phone, 4));
END;

CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
    DELETE FROM customer_search WHERE rowid = OLD.id;
END;

INSERT INTO customer_search (rowid, doc)
    SELECT id, name || ' ' || number || ' ' || COALESCE(email, '') || ' ' || address
        || ' ' || phone || ' ' || substr(phone, 4) || ' 0' || substr(phone, 4)
    FROM customers;

-- The customer list filtered by area and status, newest first (it walked customers_status).
CREATE INDEX customers_area_status ON customers (area_id, status, id);

-- One customer's low ratings for the risk score on the customer page (it read every rating of
-- the last 90 days through ratings_created).
CREATE INDEX ratings_customer ON ratings (customer_id, created_at);

-- A day joins the stale-day list only when it is not listed yet (SQLite only: its single writer
-- makes "not there yet" safe; on PostgreSQL a unique day would make concurrent ticket writers
-- wait for each other).
-- Adding a row per ticket grew the list to a million rows while the data set was generated,
-- and each UNION built a temporary table.
DROP TRIGGER tickets_report_days_insert;
CREATE TRIGGER tickets_report_days_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO report_days_stale (wib_date)
        SELECT DISTINCT d FROM (SELECT date(NEW.created_at, '+7 hours') AS d
            UNION ALL SELECT date(NEW.resolved_at, '+7 hours'))
        WHERE d IS NOT NULL AND NOT EXISTS (SELECT 1 FROM report_days_stale s WHERE s.wib_date = d);
END;

DROP TRIGGER tickets_report_days_update;
CREATE TRIGGER tickets_report_days_update AFTER UPDATE ON tickets
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.first_response_at IS NOT NEW.first_response_at
    OR OLD.resolved_at IS NOT NEW.resolved_at OR OLD.area_id IS NOT NEW.area_id
    OR OLD.subscription_id IS NOT NEW.subscription_id OR OLD.category IS NOT NEW.category
    OR OLD.first_response_breached IS NOT NEW.first_response_breached
    OR OLD.resolution_breached IS NOT NEW.resolution_breached
BEGIN
    INSERT INTO report_days_stale (wib_date)
        SELECT DISTINCT d FROM (SELECT date(OLD.created_at, '+7 hours') AS d
            UNION ALL SELECT date(NEW.created_at, '+7 hours')
            UNION ALL SELECT date(OLD.resolved_at, '+7 hours')
            UNION ALL SELECT date(NEW.resolved_at, '+7 hours'))
        WHERE d IS NOT NULL AND NOT EXISTS (SELECT 1 FROM report_days_stale s WHERE s.wib_date = d);
END;

DROP TRIGGER tickets_report_days_delete;
CREATE TRIGGER tickets_report_days_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO report_days_stale (wib_date)
        SELECT DISTINCT d FROM (SELECT date(OLD.created_at, '+7 hours') AS d
            UNION ALL SELECT date(OLD.resolved_at, '+7 hours'))
        WHERE d IS NOT NULL AND NOT EXISTS (SELECT 1 FROM report_days_stale s WHERE s.wib_date = d);
END;

DROP TRIGGER ratings_report_days_insert;
CREATE TRIGGER ratings_report_days_insert AFTER INSERT ON ratings BEGIN
    INSERT INTO report_days_stale (wib_date)
        SELECT date(NEW.created_at, '+7 hours') WHERE NOT EXISTS (SELECT 1 FROM report_days_stale s
            WHERE s.wib_date = date(NEW.created_at, '+7 hours'));
END;

DROP TRIGGER ratings_report_days_update;
CREATE TRIGGER ratings_report_days_update AFTER UPDATE ON ratings
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.stars IS NOT NEW.stars
    OR OLD.area_id IS NOT NEW.area_id OR OLD.subject_kind IS NOT NEW.subject_kind
    OR OLD.subject_id IS NOT NEW.subject_id
BEGIN
    INSERT INTO report_days_stale (wib_date)
        SELECT DISTINCT d FROM (SELECT date(OLD.created_at, '+7 hours') AS d
            UNION ALL SELECT date(NEW.created_at, '+7 hours'))
        WHERE NOT EXISTS (SELECT 1 FROM report_days_stale s WHERE s.wib_date = d);
END;

DROP TRIGGER ratings_report_days_delete;
CREATE TRIGGER ratings_report_days_delete AFTER DELETE ON ratings BEGIN
    INSERT INTO report_days_stale (wib_date)
        SELECT date(OLD.created_at, '+7 hours') WHERE NOT EXISTS (SELECT 1 FROM report_days_stale s
            WHERE s.wib_date = date(OLD.created_at, '+7 hours'));
END;
