-- Indexes for the complaints, satisfaction, technicians and retention reports: each reads one
-- time range. Visits ended in a period (technicians report); subscriptions terminated in a
-- period use subscriptions_ended of 0012. Tickets (created_at; status, resolved_at), ratings (created_at) and
-- NPS answers (answered_at) are indexed already.
CREATE INDEX visits_finished ON visits (finished_at);
