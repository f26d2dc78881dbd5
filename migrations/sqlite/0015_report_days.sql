-- The dashboard's ticket and rating figures per WIB day, area and package, so a 12-month
-- dashboard reads 365 summary rows instead of half a million tickets. Each day has a row for
-- everything (area and package -1), one per area (package -1), one per package (area -1) and
-- one per area and package; 0 is none (no area, no subscription). A row holds the tickets opened
-- that day (per category, and the first-response seconds of those answered), the tickets
-- resolved that day (how many kept their SLA, and their resolution seconds) and the ratings
-- given that day. Durations are little-endian u32 seconds, one per ticket, so medians are exact.
CREATE TABLE report_days (
    wib_date TEXT NOT NULL,
    area_id BIGINT NOT NULL,
    package_id BIGINT NOT NULL,
    opened BIGINT NOT NULL,
    -- `category=count` pairs joined by commas.
    categories TEXT NOT NULL,
    first_responses BLOB NOT NULL,
    resolved BIGINT NOT NULL,
    kept BIGINT NOT NULL,
    resolutions BLOB NOT NULL,
    ratings BIGINT NOT NULL,
    stars BIGINT NOT NULL,
    -- Ratings of 4 or 5 stars.
    satisfied BIGINT NOT NULL,
    PRIMARY KEY (wib_date, area_id, package_id)
);

-- Days whose summary is out of date. Triggers add a row whenever a ticket or rating that counts
-- on a day is written; `reports::days::refresh` rebuilds those days and deletes their rows, in
-- one transaction (SQLite's single writer keeps other writers out meanwhile).
CREATE TABLE report_days_stale (
    wib_date TEXT NOT NULL
);
CREATE INDEX report_days_stale_date ON report_days_stale (wib_date);

CREATE TRIGGER tickets_report_days_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO report_days_stale (wib_date)
        SELECT date(NEW.created_at, '+7 hours')
        UNION SELECT date(NEW.resolved_at, '+7 hours') WHERE NEW.resolved_at IS NOT NULL;
END;

CREATE TRIGGER tickets_report_days_update AFTER UPDATE ON tickets
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.first_response_at IS NOT NEW.first_response_at
    OR OLD.resolved_at IS NOT NEW.resolved_at OR OLD.area_id IS NOT NEW.area_id
    OR OLD.subscription_id IS NOT NEW.subscription_id OR OLD.category IS NOT NEW.category
    OR OLD.first_response_breached IS NOT NEW.first_response_breached
    OR OLD.resolution_breached IS NOT NEW.resolution_breached
BEGIN
    INSERT INTO report_days_stale (wib_date)
        SELECT date(OLD.created_at, '+7 hours')
        UNION SELECT date(NEW.created_at, '+7 hours')
        UNION SELECT date(OLD.resolved_at, '+7 hours') WHERE OLD.resolved_at IS NOT NULL
        UNION SELECT date(NEW.resolved_at, '+7 hours') WHERE NEW.resolved_at IS NOT NULL;
END;

CREATE TRIGGER tickets_report_days_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO report_days_stale (wib_date)
        SELECT date(OLD.created_at, '+7 hours')
        UNION SELECT date(OLD.resolved_at, '+7 hours') WHERE OLD.resolved_at IS NOT NULL;
END;

CREATE TRIGGER ratings_report_days_insert AFTER INSERT ON ratings BEGIN
    INSERT INTO report_days_stale (wib_date) VALUES (date(NEW.created_at, '+7 hours'));
END;

CREATE TRIGGER ratings_report_days_update AFTER UPDATE ON ratings
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.stars IS NOT NEW.stars
    OR OLD.area_id IS NOT NEW.area_id OR OLD.subject_kind IS NOT NEW.subject_kind
    OR OLD.subject_id IS NOT NEW.subject_id
BEGIN
    INSERT INTO report_days_stale (wib_date)
        SELECT date(OLD.created_at, '+7 hours') UNION SELECT date(NEW.created_at, '+7 hours');
END;

CREATE TRIGGER ratings_report_days_delete AFTER DELETE ON ratings BEGIN
    INSERT INTO report_days_stale (wib_date) VALUES (date(OLD.created_at, '+7 hours'));
END;

-- Tickets and ratings count under their subscription's package: a package change moves them.
-- (Tickets are found through the customer's index; installation visits through their own.)
CREATE TRIGGER subscriptions_report_days_package AFTER UPDATE OF package_id ON subscriptions
WHEN OLD.package_id IS NOT NEW.package_id
BEGIN
    INSERT INTO report_days_stale (wib_date)
        SELECT date(created_at, '+7 hours') FROM tickets
            WHERE customer_id = NEW.customer_id AND subscription_id = NEW.id
        UNION SELECT date(resolved_at, '+7 hours') FROM tickets
            WHERE customer_id = NEW.customer_id AND subscription_id = NEW.id
            AND resolved_at IS NOT NULL
        UNION SELECT date(r.created_at, '+7 hours') FROM ratings r
            JOIN tickets t ON r.subject_kind = 'ticket' AND t.id = r.subject_id
            WHERE t.customer_id = NEW.customer_id AND t.subscription_id = NEW.id
        UNION SELECT date(r.created_at, '+7 hours') FROM ratings r
            JOIN visits v ON r.subject_kind = 'installation' AND v.id = r.subject_id
            WHERE v.subscription_id = NEW.id;
END;

-- Every day with tickets or ratings is built on first use.
INSERT INTO report_days_stale (wib_date)
    SELECT date(created_at, '+7 hours') FROM tickets
    UNION SELECT date(resolved_at, '+7 hours') FROM tickets WHERE resolved_at IS NOT NULL
    UNION SELECT date(created_at, '+7 hours') FROM ratings;

-- The dashboard's other period reads, from their indexes alone: sign-ups by source,
-- installations and referrals credited, terminations by reason and competitor.
DROP INDEX registrations_submitted;
CREATE INDEX registrations_submitted
    ON registrations (submitted_at, channel, referrer_id, area_id, package_id);
DROP INDEX registrations_installed;
CREATE INDEX registrations_installed
    ON registrations (installed_at, referrer_id, area_id, package_id);
DROP INDEX subscriptions_ended;
CREATE INDEX subscriptions_ended ON subscriptions
    (status, ended_on, termination_reason, competitor_id, area_id, package_id);
-- The installation visits of a subscription whose package changes (trigger above).
CREATE INDEX visits_subscription ON visits (subscription_id);
