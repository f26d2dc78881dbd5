-- Failed logins count within a window: old failures no longer add up to a lock.
ALTER TABLE users ADD COLUMN last_failed_login_at TIMESTAMPTZ;
