-- Failed logins are throttled per client address and account together (carrier-grade NAT puts
-- many customers behind one address).
ALTER TABLE login_attempts ADD COLUMN account TEXT NOT NULL DEFAULT '';
CREATE INDEX login_attempts_ip_account_at ON login_attempts (ip, account, at);

-- One waiting-list entry per phone and area (the area's id, or the typed area name when the
-- area is not in the list). Existing duplicates keep their first entry.
DELETE FROM waiting_list WHERE id NOT IN (
    SELECT MIN(id) FROM waiting_list
    GROUP BY phone, COALESCE(CAST(area_id AS TEXT), LOWER(TRIM(area_text)))
);
-- The key is written by the app (the area's id, or the typed name trimmed and lower-cased in
-- Rust), so the index holds no function a database tool could evaluate differently.
ALTER TABLE waiting_list ADD COLUMN area_key TEXT NOT NULL DEFAULT '';
UPDATE waiting_list SET area_key = COALESCE(CAST(area_id AS TEXT), LOWER(TRIM(area_text)));
CREATE UNIQUE INDEX waiting_list_phone_area ON waiting_list (phone, area_key);
