-- A second full-text index over the messages of the active tickets alone (new, open, waiting,
-- visit scheduled), keyed as ticket_search is. The staff list shows the active tickets (new,
-- open, waiting) unless told otherwise, and a search there walked a common word's newest 1,000
-- hits among a million tickets' messages, twice, to find the 150 active tickets that have it;
-- here the hits are those tickets' own (bench/README.md, finding 48). Like ticket_search it
-- keeps no copy of the text (content=''); contentless_delete lets a ticket's rows be taken out
-- when it is resolved, and a row be replaced (SQLite 3.43 and later).
CREATE VIRTUAL TABLE active_ticket_search USING fts5 (
    doc,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The opening message carries the ticket's number and its customer's number, name and phone
-- (tickets::store::opening_words) as they are when this runs; filing and opening a ticket
-- again write them as they are then.
INSERT INTO active_ticket_search (rowid, doc)
    SELECT m.ticket_id * 16777216 + m.place,
        CASE WHEN m.place = 1
            THEN t.number || ' ' || c.number || ' ' || c.name || ' ' || c.phone || char(10) || m.body
            ELSE m.body END
    FROM (
        SELECT ticket_id, body, row_number() OVER (PARTITION BY ticket_id ORDER BY id) AS place
        FROM ticket_messages
        WHERE ticket_id IN (
            SELECT id FROM tickets WHERE status IN ('new', 'open', 'waiting', 'visit_scheduled')
        )
    ) m
    JOIN tickets t ON t.id = m.ticket_id
    JOIN customers c ON c.id = t.customer_id;
