-- Uploaded files, kept in the database by content hash (see src/uploads/mod.rs for why), and
-- the company logo and hero image that use them.

-- One row per distinct content (SHA-256 of the stored bytes); several uploads may share it.
CREATE TABLE upload_blobs (
    hash TEXT PRIMARY KEY NOT NULL,
    bytes BLOB NOT NULL,
    size INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

-- One row per accepted file: what it is, what it belongs to, who sent it.
CREATE TABLE uploads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hash TEXT NOT NULL REFERENCES upload_blobs (hash),
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    width INTEGER,
    height INTEGER,
    thumb_hash TEXT REFERENCES upload_blobs (hash),
    thumb_mime TEXT,
    thumb_width INTEGER,
    thumb_height INTEGER,
    original_name TEXT NOT NULL,
    context TEXT NOT NULL,
    context_id INTEGER,
    owner_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    subject_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX uploads_context ON uploads (context, context_id);
CREATE INDEX uploads_hash ON uploads (hash);
CREATE INDEX uploads_thumb_hash ON uploads (thumb_hash);

ALTER TABLE company_settings ADD COLUMN logo_upload_id INTEGER REFERENCES uploads (id);
ALTER TABLE company_settings ADD COLUMN hero_upload_id INTEGER REFERENCES uploads (id);
