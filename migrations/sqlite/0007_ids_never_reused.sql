-- Ids of rows the app deletes are never handed out again (an audit row or a bookmark that names
-- post 7 must never come to mean another post): AUTOINCREMENT on every table the code deletes
-- from (posts, promos, competitor_offers, login_attempts). SQLite cannot add it in place, so each
-- table is rebuilt: create, copy, drop, rename, recreate its indexes.
--
-- sqlx runs this file in a transaction with foreign keys on (PRAGMA foreign_keys cannot change
-- inside one, and sqlx 0.8 ignores `-- no-transaction` on SQLite). Dropping a table then deletes
-- its rows first, which would cascade into promo_packages; so promo_packages is parked in a
-- temporary table without foreign keys and rebuilt after promos, and no table is ever dropped
-- while another table still references it.
--
-- The sequence of each rebuilt table starts above the highest id it ever had, as far as known:
-- its rows, and for posts and promos also the ids named in the audit log (deleted records).

-- posts ------------------------------------------------------------------------------------
CREATE TABLE posts_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO posts_new (id, slug, title, summary, body_md, kind, published, published_at,
                       author_id, created_at, updated_at)
    SELECT id, slug, title, summary, body_md, kind, published, published_at,
           author_id, created_at, updated_at
    FROM posts;
DROP TABLE posts;
ALTER TABLE posts_new RENAME TO posts;
CREATE INDEX posts_published ON posts (published, published_at);

-- promos and promo_packages ----------------------------------------------------------------
CREATE TEMP TABLE promo_packages_copy AS SELECT promo_id, package_id FROM promo_packages;
DROP TABLE promo_packages;
CREATE TABLE promos_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    published BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO promos_new (id, title, body, starts_on, ends_on, published, created_at, updated_at)
    SELECT id, title, body, starts_on, ends_on, published, created_at, updated_at FROM promos;
DROP TABLE promos;
ALTER TABLE promos_new RENAME TO promos;
CREATE TABLE promo_packages (
    promo_id INTEGER NOT NULL REFERENCES promos (id) ON DELETE CASCADE,
    package_id INTEGER NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    PRIMARY KEY (promo_id, package_id)
);
INSERT INTO promo_packages (promo_id, package_id)
    SELECT promo_id, package_id FROM promo_packages_copy;
DROP TABLE promo_packages_copy;

-- competitor_offers ------------------------------------------------------------------------
CREATE TABLE competitor_offers_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    competitor_id INTEGER NOT NULL REFERENCES competitors (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    download_mbps INTEGER NOT NULL,
    price INTEGER NOT NULL,
    notes TEXT NOT NULL DEFAULT ''
);
INSERT INTO competitor_offers_new (id, competitor_id, name, download_mbps, price, notes)
    SELECT id, competitor_id, name, download_mbps, price, notes FROM competitor_offers;
DROP TABLE competitor_offers;
ALTER TABLE competitor_offers_new RENAME TO competitor_offers;

-- login_attempts ---------------------------------------------------------------------------
CREATE TABLE login_attempts_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ip TEXT NOT NULL,
    at TEXT NOT NULL,
    account TEXT NOT NULL DEFAULT ''
);
INSERT INTO login_attempts_new (id, ip, at, account) SELECT id, ip, at, account FROM login_attempts;
DROP TABLE login_attempts;
ALTER TABLE login_attempts_new RENAME TO login_attempts;
CREATE INDEX login_attempts_ip_at ON login_attempts (ip, at);
CREATE INDEX login_attempts_ip_account_at ON login_attempts (ip, account, at);

-- sequences --------------------------------------------------------------------------------
DELETE FROM sqlite_sequence
    WHERE name IN ('posts', 'promos', 'competitor_offers', 'login_attempts');
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'posts', MAX(COALESCE((SELECT MAX(id) FROM posts), 0),
                        COALESCE((SELECT MAX(CAST(entity_id AS INTEGER)) FROM audit_log
                                  WHERE entity = 'post'), 0));
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'promos', MAX(COALESCE((SELECT MAX(id) FROM promos), 0),
                         COALESCE((SELECT MAX(CAST(entity_id AS INTEGER)) FROM audit_log
                                   WHERE entity = 'promo'), 0));
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'competitor_offers', COALESCE((SELECT MAX(id) FROM competitor_offers), 0);
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'login_attempts', COALESCE((SELECT MAX(id) FROM login_attempts), 0);
