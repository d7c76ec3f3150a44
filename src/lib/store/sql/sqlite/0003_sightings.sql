-- SPDX-License-Identifier: MIT
-- Sightings: an indicator seen somewhere (a log line, a sensor) at a time,
-- by a client of ours when the log names one.
CREATE TABLE sightings (
	id INTEGER PRIMARY KEY,
	indicator_id INTEGER NOT NULL REFERENCES indicators(id),
	at INTEGER NOT NULL,
	source TEXT NOT NULL,
	client TEXT,
	field TEXT,
	value TEXT,
	recorded_at INTEGER NOT NULL
);
CREATE INDEX sightings_indicator ON sightings (indicator_id, at);
CREATE INDEX sightings_client ON sightings (client, at)
    WHERE client IS NOT NULL;
