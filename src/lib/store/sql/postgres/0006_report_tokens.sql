-- SPDX-License-Identifier: MIT
-- Status links: a reporter without an account follows their case through
-- an unguessable URL. Only the token's SHA-256 is kept.
CREATE TABLE report_tokens (
	hash TEXT COLLATE "C" PRIMARY KEY,
	incident_id BIGINT NOT NULL REFERENCES incidents(id),
	report_id BIGINT REFERENCES reports(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX report_tokens_incident ON report_tokens (incident_id);
