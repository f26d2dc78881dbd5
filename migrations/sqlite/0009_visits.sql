-- Technician visits: installation, repair, relocation and dismantling, one model for all. A visit
-- is one attempt at a job: it waits in the dispatch queue ('queued'), is scheduled for a
-- technician, a day and a time window, and ends done, failed or cancelled; a failed or cancelled
-- attempt may hand the job to a new queued visit (`previous_id`), which keeps the job's
-- `queued_at`. The appointments of the earlier `installations` table become installation visits.

CREATE TABLE visits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    subscription_id INTEGER REFERENCES subscriptions (id),
    registration_id INTEGER REFERENCES registrations (id),
    ticket_id INTEGER REFERENCES tickets (id),
    previous_id INTEGER REFERENCES visits (id),
    address TEXT NOT NULL,
    area_id INTEGER REFERENCES areas (id),
    technician_id INTEGER REFERENCES users (id),
    planned_date TEXT,
    -- 'HH:MM' in WIB; a window never spans midnight.
    window_start TEXT,
    window_end TEXT,
    notes TEXT NOT NULL DEFAULT '',
    fail_reason TEXT,
    -- Why it failed (details) or was cancelled.
    outcome_note TEXT NOT NULL DEFAULT '',
    queued_at TEXT NOT NULL,
    scheduled_at TEXT,
    on_the_way_at TEXT,
    started_at TEXT,
    finished_at TEXT,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX visits_technician_day ON visits (technician_id, planned_date, window_start);
CREATE INDEX visits_day ON visits (planned_date, window_start);
CREATE INDEX visits_status ON visits (status, queued_at);
CREATE INDEX visits_registration ON visits (registration_id);
CREATE INDEX visits_ticket ON visits (ticket_id);
CREATE INDEX visits_customer ON visits (customer_id, id);

-- Every change of a visit, in order: scheduled, rescheduled (what changed), on the way, started,
-- done, failed, cancelled.
CREATE TABLE visit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    visit_id INTEGER NOT NULL REFERENCES visits (id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    actor_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX visit_events_visit ON visit_events (visit_id, id);

-- The technician's report, written once when the visit ends. `submission` is the form's one-time
-- key: a retried or double-tapped submission finds its own report instead of a second one.
CREATE TABLE visit_reports (
    visit_id BIGINT NOT NULL PRIMARY KEY REFERENCES visits (id),
    submission TEXT NOT NULL UNIQUE,
    work_done TEXT NOT NULL,
    -- ONT / router serial numbers, one per line.
    serials TEXT NOT NULL DEFAULT '',
    signal_dbm REAL,
    download_mbps REAL,
    upload_mbps REAL,
    customer_present BOOLEAN NOT NULL,
    fixed BOOLEAN NOT NULL DEFAULT 1,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);

-- The latest appointment of each registration becomes its installation visit (same id); earlier
-- appointments become its history.
INSERT INTO visits (id, number, kind, status, customer_id, subscription_id, registration_id,
                    address, area_id, technician_id, planned_date, window_start, window_end, notes,
                    outcome_note, queued_at, scheduled_at, finished_at, created_at, updated_at)
SELECT i.id, 'KJG-' || substr(i.created_at, 1, 4) || '-' || printf('%06d', i.id), 'installation',
       CASE r.status WHEN 'installed' THEN 'done' WHEN 'scheduled' THEN 'scheduled' ELSE 'cancelled' END,
       r.customer_id, r.subscription_id, r.id, r.address, r.area_id, i.technician_id,
       i.planned_date, i.window_start, i.window_end, i.notes,
       CASE WHEN r.status IN ('installed', 'scheduled') THEN '' ELSE COALESCE(r.reject_reason, '') END,
       COALESCE(r.verified_at, i.created_at), i.created_at,
       CASE r.status WHEN 'installed' THEN r.installed_at WHEN 'rejected' THEN r.rejected_at END,
       i.created_at, r.updated_at
FROM installations i JOIN registrations r ON r.id = i.registration_id
WHERE i.id = (SELECT MAX(i2.id) FROM installations i2 WHERE i2.registration_id = i.registration_id);

INSERT INTO visit_events (visit_id, at, kind, detail, actor_name)
SELECT v.id, i.created_at,
       CASE WHEN i.id = (SELECT MIN(i2.id) FROM installations i2 WHERE i2.registration_id = i.registration_id)
            THEN 'scheduled' ELSE 'rescheduled' END,
       substr(i.planned_date, 9, 2) || '/' || substr(i.planned_date, 6, 2) || '/' || substr(i.planned_date, 1, 4)
           || ' ' || i.window_start || '–' || i.window_end || ' · ' || u.name,
       ''
FROM installations i JOIN visits v ON v.registration_id = i.registration_id
JOIN users u ON u.id = i.technician_id
ORDER BY i.id;

INSERT INTO visit_events (visit_id, at, kind, detail, actor_name)
SELECT v.id, v.finished_at, 'done', '', '' FROM visits v WHERE v.status = 'done' AND v.finished_at IS NOT NULL;

-- Verified registrations without an appointment wait in the queue.
INSERT INTO visits (number, kind, status, customer_id, registration_id, address, area_id,
                    queued_at, created_at, updated_at)
SELECT 'KJG-new-' || r.id, 'installation', 'queued', r.customer_id, r.id, r.address, r.area_id,
       COALESCE(r.verified_at, r.updated_at), COALESCE(r.verified_at, r.updated_at), r.updated_at
FROM registrations r
WHERE r.status = 'verified' AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.registration_id = r.id);
UPDATE visits SET number = 'KJG-' || substr(created_at, 1, 4) || '-' || printf('%06d', id)
WHERE number LIKE 'KJG-new-%';

INSERT INTO counters (name, value) SELECT 'visit', MAX(id) FROM visits HAVING COUNT(*) > 0
ON CONFLICT (name) DO UPDATE SET value = excluded.value;

DROP INDEX installations_registration;
DROP INDEX installations_technician;
DROP TABLE installations;
