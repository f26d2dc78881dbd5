-- Complaints (tickets) with their threads, search index, saved replies, SLA settings, in-app
-- notifications and satisfaction ratings.

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    subscription_id INTEGER REFERENCES subscriptions (id),
    area_id INTEGER REFERENCES areas (id),
    category TEXT NOT NULL,
    priority TEXT NOT NULL,
    status TEXT NOT NULL,
    channel TEXT NOT NULL,
    -- The first words of the description, for lists.
    summary TEXT NOT NULL,
    assignee_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    first_response_at TEXT,
    resolved_at TEXT,
    closed_at TEXT,
    -- SLA: the deadlines, the next one of them while the clock runs (NULL while paused or
    -- done), the resolution time left when the clock was paused, and the deadline already warned.
    first_response_due_at TEXT,
    resolution_due_at TEXT,
    due_at TEXT,
    sla_paused_at TEXT,
    resolution_left_secs INTEGER,
    warned_due_at TEXT,
    first_response_breached BOOLEAN NOT NULL DEFAULT 0,
    resolution_breached BOOLEAN NOT NULL DEFAULT 0,
    reopen_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tickets_due ON tickets (due_at, id);
CREATE INDEX tickets_assignee_due ON tickets (assignee_id, due_at, id);
CREATE INDEX tickets_status ON tickets (status, due_at, id);
CREATE INDEX tickets_customer ON tickets (customer_id, id);
-- Newest first within a status or an assignee's tickets.
CREATE INDEX tickets_status_id ON tickets (status, id);
CREATE INDEX tickets_assignee_id ON tickets (assignee_id, id);
CREATE INDEX tickets_resolved ON tickets (status, resolved_at);
CREATE INDEX tickets_created ON tickets (created_at);

CREATE TABLE ticket_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    author_name TEXT NOT NULL,
    -- 'customer', 'staff' or 'system'.
    author_kind TEXT NOT NULL,
    internal BOOLEAN NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);

-- Full-text index over messages (the opening one also carries the number and the customer's
-- name and phone). One row per message, rowid = the message's id.
CREATE VIRTUAL TABLE ticket_search USING fts5 (
    doc,
    ticket_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE saved_replies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE sla_targets (
    priority TEXT PRIMARY KEY NOT NULL,
    first_response_minutes INTEGER NOT NULL,
    resolution_minutes INTEGER NOT NULL
);
INSERT INTO sla_targets (priority, first_response_minutes, resolution_minutes) VALUES
    ('urgent', 60, 480),
    ('high', 120, 1440),
    ('normal', 240, 4320),
    ('low', 480, 7200);

-- Business hours the SLA clocks count in (when enabled), in WIB.
CREATE TABLE sla_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    business_hours BOOLEAN NOT NULL DEFAULT 0,
    day_start_minute INTEGER NOT NULL DEFAULT 480,
    day_end_minute INTEGER NOT NULL DEFAULT 1200,
    -- ISO weekdays counted, comma-separated (1 = Monday).
    work_days TEXT NOT NULL DEFAULT '1,2,3,4,5,6'
);
INSERT INTO sla_settings (id) VALUES (1);

CREATE TABLE sla_holidays (
    holiday_date TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL DEFAULT ''
);

-- In-app notifications (the bell). The text is rendered in the reader's language from a
-- message key and its variables (JSON).
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_key TEXT NOT NULL,
    vars TEXT NOT NULL DEFAULT '{}',
    link TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, read_at);
CREATE INDEX notifications_created ON notifications (created_at);

-- Satisfaction ratings (CSAT): one per rated thing. subject_kind 'ticket' now; the visits
-- issue adds 'installation'. Category, staff and area are copied at rating time for reports.
CREATE TABLE ratings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    category TEXT,
    staff_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    area_id INTEGER REFERENCES areas (id),
    -- 'link' (the mailed link) or 'portal'.
    via TEXT NOT NULL,
    created_at TEXT NOT NULL,
    followed_up_at TEXT,
    followed_up_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    follow_up_note TEXT NOT NULL DEFAULT '',
    UNIQUE (subject_kind, subject_id)
);
CREATE INDEX ratings_follow_up ON ratings (followed_up_at, stars, created_at);
CREATE INDEX ratings_created ON ratings (created_at);
