-- The demo database: a small ticketing app.
CREATE TABLE venue (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    capacity INTEGER
);
CREATE TABLE event (
    id INTEGER PRIMARY KEY,
    venue_id INTEGER NOT NULL REFERENCES venue (id),
    name TEXT NOT NULL,
    starts_at DATETIME NOT NULL,
    price REAL,
    is_sold_out BOOLEAN NOT NULL DEFAULT 0,
    details JSON,
    created_at DATETIME,
    updated_at DATETIME
);
CREATE TABLE ticket (
    event_id INTEGER NOT NULL REFERENCES event (id),
    seat TEXT NOT NULL,
    holder_email TEXT,
    PRIMARY KEY (event_id, seat)
);
CREATE TABLE audit_log (
    at DATETIME NOT NULL,
    message TEXT
);
CREATE VIEW upcoming_event AS SELECT id, name, starts_at FROM event WHERE starts_at > CURRENT_TIMESTAMP;
INSERT INTO venue (id, name, city, capacity) VALUES
    (1, 'Blue Note', 'New York', 200),
    (2, 'Paradiso', 'Amsterdam', 1500);
INSERT INTO event (venue_id, name, starts_at, price, details) VALUES
    (1, 'Late set', '2027-01-15T22:00:00Z', 45.0, '{"genre": "jazz"}'),
    (2, 'Spring opening', '2027-03-01T20:00:00Z', 30.5, NULL);
INSERT INTO ticket (event_id, seat, holder_email) VALUES (1, 'A1', 'ada@example.com'), (1, 'A2', NULL);
