-- SPDX-License-Identifier: MIT
-- Keys the servers on one database share, made by the first to need one:
-- "form" signs the public report form's tokens, so a form served by one
-- kizuki serve process may be sent to another.
CREATE TABLE server_keys (
	name TEXT COLLATE "C" PRIMARY KEY,
	value BYTEA NOT NULL,
	created_at BIGINT NOT NULL
);
