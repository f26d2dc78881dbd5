-- Public site content, sign-up pipeline, customers and subscriptions.

CREATE TABLE company_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    tagline TEXT NOT NULL DEFAULT '',
    about TEXT NOT NULL DEFAULT '',
    vision TEXT NOT NULL DEFAULT '',
    mission TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    whatsapp TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    opening_hours TEXT NOT NULL DEFAULT '',
    map_url TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);

CREATE TABLE counters (
    name TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
);

CREATE TABLE areas (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    city TEXT NOT NULL DEFAULT '',
    covered BOOLEAN NOT NULL DEFAULT 1,
    published BOOLEAN NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (name, city)
);

CREATE TABLE waiting_list (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT,
    area_id INTEGER REFERENCES areas (id),
    area_text TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    package_id INTEGER,
    created_at TEXT NOT NULL
);

CREATE TABLE packages (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    download_mbps INTEGER NOT NULL,
    upload_mbps INTEGER NOT NULL,
    price INTEGER NOT NULL,
    features TEXT NOT NULL DEFAULT '',
    published BOOLEAN NOT NULL DEFAULT 0,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE promos (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    published BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE promo_packages (
    promo_id INTEGER NOT NULL REFERENCES promos (id) ON DELETE CASCADE,
    package_id INTEGER NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    PRIMARY KEY (promo_id, package_id)
);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body_md TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('news', 'announcement')),
    published BOOLEAN NOT NULL DEFAULT 0,
    published_at TEXT,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX posts_published ON posts (published, published_at);

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    user_id INTEGER UNIQUE REFERENCES users (id),
    name TEXT NOT NULL,
    phone TEXT NOT NULL UNIQUE,
    email TEXT UNIQUE,
    address TEXT NOT NULL,
    area_id INTEGER REFERENCES areas (id),
    status TEXT NOT NULL CHECK (status IN ('prospect', 'active', 'suspended', 'terminated')),
    referral_code TEXT NOT NULL UNIQUE,
    referred_by INTEGER REFERENCES customers (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX customers_name ON customers (name, id);
CREATE INDEX customers_status ON customers (status, id);
CREATE INDEX customers_area ON customers (area_id, id);

CREATE TABLE competitors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE competitor_offers (
    id INTEGER PRIMARY KEY,
    competitor_id INTEGER NOT NULL REFERENCES competitors (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    download_mbps INTEGER NOT NULL,
    price INTEGER NOT NULL,
    notes TEXT NOT NULL DEFAULT ''
);

CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    package_id INTEGER NOT NULL REFERENCES packages (id),
    address TEXT NOT NULL,
    area_id INTEGER REFERENCES areas (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'suspended', 'terminated')),
    started_on TEXT,
    ended_on TEXT,
    termination_reason TEXT,
    competitor_id INTEGER REFERENCES competitors (id),
    termination_note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX subscriptions_customer ON subscriptions (customer_id);
CREATE INDEX subscriptions_package ON subscriptions (package_id, status);

CREATE TABLE subscription_events (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id),
    kind TEXT NOT NULL,
    from_package_id INTEGER REFERENCES packages (id),
    to_package_id INTEGER REFERENCES packages (id),
    note TEXT NOT NULL DEFAULT '',
    actor_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    at TEXT NOT NULL
);
CREATE INDEX subscription_events_sub ON subscription_events (subscription_id, at);

CREATE TABLE registrations (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    package_id INTEGER NOT NULL REFERENCES packages (id),
    area_id INTEGER NOT NULL REFERENCES areas (id),
    address TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'verified', 'scheduled', 'installed', 'rejected')),
    reject_reason TEXT,
    referrer_id INTEGER REFERENCES customers (id),
    subscription_id INTEGER REFERENCES subscriptions (id),
    channel TEXT NOT NULL DEFAULT 'online',
    submitted_at TEXT NOT NULL,
    verified_at TEXT,
    scheduled_at TEXT,
    installed_at TEXT,
    rejected_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX registrations_status ON registrations (status, submitted_at);
CREATE INDEX registrations_customer ON registrations (customer_id);
CREATE INDEX registrations_referrer ON registrations (referrer_id, status);

CREATE TABLE installations (
    id INTEGER PRIMARY KEY,
    registration_id INTEGER NOT NULL REFERENCES registrations (id),
    technician_id INTEGER NOT NULL REFERENCES users (id),
    planned_date TEXT NOT NULL,
    window_start TEXT NOT NULL,
    window_end TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX installations_registration ON installations (registration_id);
CREATE INDEX installations_technician ON installations (technician_id, planned_date);

CREATE TABLE customer_events (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    actor_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX customer_events_customer ON customer_events (customer_id, at);

CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX mail_outbox_pending ON mail_outbox (sent_at, id);
