-- The dashboard's ticket and rating figures per WIB day, area and package, so a 12-month
-- dashboard reads 365 summary rows instead of half a million tickets. Each day has a row for
-- everything (area and package -1), one per area (package -1), one per package (area -1) and
-- one per area and package; 0 is none (no area, no subscription). A row holds the tickets opened
-- that day (per category, and the first-response seconds of those answered), the tickets
-- resolved that day (how many kept their SLA, and their resolution seconds) and the ratings
-- given that day. Durations are little-endian u32 seconds, one per ticket, so medians are exact.
CREATE TABLE report_days (
    wib_date DATE NOT NULL,
    area_id BIGINT NOT NULL,
    package_id BIGINT NOT NULL,
    opened BIGINT NOT NULL,
    -- `category=count` pairs joined by commas.
    categories TEXT NOT NULL,
    first_responses BYTEA NOT NULL,
    resolved BIGINT NOT NULL,
    kept BIGINT NOT NULL,
    resolutions BYTEA NOT NULL,
    ratings BIGINT NOT NULL,
    stars BIGINT NOT NULL,
    -- Ratings of 4 or 5 stars.
    satisfied BIGINT NOT NULL,
    PRIMARY KEY (wib_date, area_id, package_id)
);

-- Days whose summary is out of date. Triggers add a row whenever a ticket or rating that counts
-- on a day is written; `reports::days::refresh` rebuilds those days and deletes their rows, in
-- one transaction that locks this table against writers meanwhile.
CREATE TABLE report_days_stale (
    wib_date DATE NOT NULL
);
CREATE INDEX report_days_stale_date ON report_days_stale (wib_date);

CREATE FUNCTION report_days_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at
        AND OLD.first_response_at IS NOT DISTINCT FROM NEW.first_response_at
        AND OLD.resolved_at IS NOT DISTINCT FROM NEW.resolved_at
        AND OLD.area_id IS NOT DISTINCT FROM NEW.area_id
        AND OLD.subscription_id IS NOT DISTINCT FROM NEW.subscription_id
        AND OLD.category IS NOT DISTINCT FROM NEW.category
        AND OLD.first_response_breached IS NOT DISTINCT FROM NEW.first_response_breached
        AND OLD.resolution_breached IS NOT DISTINCT FROM NEW.resolution_breached THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO report_days_stale (wib_date)
            SELECT (OLD.created_at AT TIME ZONE 'Asia/Jakarta')::date
            UNION SELECT (OLD.resolved_at AT TIME ZONE 'Asia/Jakarta')::date
                WHERE OLD.resolved_at IS NOT NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO report_days_stale (wib_date)
            SELECT (NEW.created_at AT TIME ZONE 'Asia/Jakarta')::date
            UNION SELECT (NEW.resolved_at AT TIME ZONE 'Asia/Jakarta')::date
                WHERE NEW.resolved_at IS NOT NULL;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER tickets_report_days AFTER INSERT OR UPDATE OR DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION report_days_ticket();

CREATE FUNCTION report_days_rating() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at
        AND OLD.stars IS NOT DISTINCT FROM NEW.stars
        AND OLD.area_id IS NOT DISTINCT FROM NEW.area_id
        AND OLD.subject_kind IS NOT DISTINCT FROM NEW.subject_kind
        AND OLD.subject_id IS NOT DISTINCT FROM NEW.subject_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO report_days_stale (wib_date)
            VALUES ((OLD.created_at AT TIME ZONE 'Asia/Jakarta')::date);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO report_days_stale (wib_date)
            VALUES ((NEW.created_at AT TIME ZONE 'Asia/Jakarta')::date);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER ratings_report_days AFTER INSERT OR UPDATE OR DELETE ON ratings
    FOR EACH ROW EXECUTE FUNCTION report_days_rating();

-- Tickets and ratings count under their subscription's package: a package change moves them.
-- (Tickets are found through the customer's index; installation visits through their own.)
CREATE FUNCTION report_days_package() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.package_id IS DISTINCT FROM NEW.package_id THEN
        INSERT INTO report_days_stale (wib_date)
            SELECT (created_at AT TIME ZONE 'Asia/Jakarta')::date FROM tickets
                WHERE customer_id = NEW.customer_id AND subscription_id = NEW.id
            UNION SELECT (resolved_at AT TIME ZONE 'Asia/Jakarta')::date FROM tickets
                WHERE customer_id = NEW.customer_id AND subscription_id = NEW.id
                AND resolved_at IS NOT NULL
            UNION SELECT (r.created_at AT TIME ZONE 'Asia/Jakarta')::date FROM ratings r
                JOIN tickets t ON r.subject_kind = 'ticket' AND t.id = r.subject_id
                WHERE t.customer_id = NEW.customer_id AND t.subscription_id = NEW.id
            UNION SELECT (r.created_at AT TIME ZONE 'Asia/Jakarta')::date FROM ratings r
                JOIN visits v ON r.subject_kind = 'installation' AND v.id = r.subject_id
                WHERE v.subscription_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER subscriptions_report_days_package AFTER UPDATE OF package_id ON subscriptions
    FOR EACH ROW EXECUTE FUNCTION report_days_package();

-- Every day with tickets or ratings is built on first use.
INSERT INTO report_days_stale (wib_date)
    SELECT (created_at AT TIME ZONE 'Asia/Jakarta')::date FROM tickets
    UNION SELECT (resolved_at AT TIME ZONE 'Asia/Jakarta')::date FROM tickets
        WHERE resolved_at IS NOT NULL
    UNION SELECT (created_at AT TIME ZONE 'Asia/Jakarta')::date FROM ratings;

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
