-- Background jobs: claimed by a worker, retried with backoff, dead after max_attempts.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 8,
    run_at TEXT NOT NULL,
    last_error TEXT,
    locked_by TEXT,
    locked_at TEXT,
    -- One row per key (recurring jobs such as the session sweep); NULL for ordinary jobs.
    unique_key TEXT UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX jobs_due ON jobs (status, run_at);

-- Outbox delivery: a row is claimed (pending -> sending, with a token) before it is sent.
ALTER TABLE mail_outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE mail_outbox ADD COLUMN claim_token TEXT;
ALTER TABLE mail_outbox ADD COLUMN claimed_at TEXT;
ALTER TABLE mail_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mail_outbox ADD COLUMN last_error TEXT;
CREATE INDEX mail_outbox_status ON mail_outbox (status, id);

-- Forgotten-password links: only the SHA-256 of the token is kept; used_at makes it single-use.
CREATE TABLE password_resets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX password_resets_user ON password_resets (user_id);
