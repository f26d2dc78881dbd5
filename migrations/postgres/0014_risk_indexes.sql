-- Indexes for the at-risk list's signals: failed visits and suspensions in a recent window.
CREATE INDEX visits_failed ON visits (status, finished_at);
CREATE INDEX subscription_events_kind_at ON subscription_events (kind, at);
