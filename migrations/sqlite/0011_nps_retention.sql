-- NPS surveys and retention contacts.
--
-- An NPS survey is started by an admin for a segment of active customers (all, one area, one
-- package, or customers of at least N months); each customer in it gets one request with a
-- signed single-use link. The answer (0-10 and why) is stored on the request. Area and package
-- are copied when the request is made, so reports by area and package keep what was true then.
CREATE TABLE nps_surveys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- 'all', 'area', 'package' or 'tenure'.
    segment TEXT NOT NULL,
    area_id INTEGER REFERENCES areas (id),
    package_id INTEGER REFERENCES packages (id),
    min_months INTEGER,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE nps_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    survey_id INTEGER NOT NULL REFERENCES nps_surveys (id),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    area_id INTEGER REFERENCES areas (id),
    package_id INTEGER REFERENCES packages (id),
    sent_at TEXT NOT NULL,
    score INTEGER CHECK (score BETWEEN 0 AND 10),
    reason TEXT NOT NULL DEFAULT '',
    answered_at TEXT,
    UNIQUE (survey_id, customer_id)
);
-- "Asked at most once per 90 days" looks up a customer's latest request.
CREATE INDEX nps_requests_customer ON nps_requests (customer_id, sent_at);
CREATE INDEX nps_requests_answered ON nps_requests (answered_at);

-- A retention contact with an at-risk customer: what was done (called, offer made, accepted,
-- declined), the offer if any (a promo or a package change) and the risk score at that moment.
CREATE TABLE retention_contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    outcome TEXT NOT NULL,
    promo_id INTEGER REFERENCES promos (id),
    package_id INTEGER REFERENCES packages (id),
    risk_score INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    staff_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX retention_contacts_customer ON retention_contacts (customer_id, created_at);
CREATE INDEX retention_contacts_created ON retention_contacts (created_at);
