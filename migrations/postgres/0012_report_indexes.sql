-- The dashboard and reports read periods through the time columns: these indexes let each
-- figure and monthly series read only its period's rows.

-- Terminations in a period (status 'terminated', ended_on within the days), by reason and competitor.
CREATE INDEX subscriptions_ended ON subscriptions (status, ended_on);
-- Active customers on a day: started before it, not ended before it.
CREATE INDEX subscriptions_started ON subscriptions (started_on, ended_on);
-- Sign-ups (submitted in the period) and installations / referrals credited (installed in it).
CREATE INDEX registrations_submitted ON registrations (submitted_at);
CREATE INDEX registrations_installed ON registrations (installed_at);
-- Resolution times and SLA compliance: tickets resolved in the period.
CREATE INDEX tickets_resolved_at ON tickets (resolved_at);
-- A failed visit handed on to a new attempt (the admin's "needs action" list).
CREATE INDEX visits_previous ON visits (previous_id);

-- The monthly report mailed to each director: one row per director and month, written with the
-- mail in one transaction, so a job that runs twice mails once.
CREATE TABLE report_mails (
    month TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (month, user_id)
);
