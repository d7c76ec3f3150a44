-- SPDX-License-Identifier: MIT
-- Status links: a reporter without an account follows their case through
-- an unguessable URL. Only the token's SHA-256 is kept.
CREATE TABLE report_tokens (
	hash TEXT PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	report_id INTEGER REFERENCES reports(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX report_tokens_incident ON report_tokens (incident_id);
