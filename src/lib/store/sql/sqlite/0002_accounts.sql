-- SPDX-License-Identifier: MIT
-- Accounts and access: users with a role and an org, login sessions, API
-- tokens (only their SHA-256 is kept), failed logins for rate limiting,
-- and the links that say which orgs an incident concerns and which users
-- reported it (model/access.h reads them). Also an index for the lists
-- the API and the web pages ask for most: by category and status.

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL CHECK (role IN ('admin', 'handler', 'member',
	    'reporter')),
	org_id INTEGER REFERENCES orgs(id),
	-- Argon2id in the crypt-like string form; NULL: no password login
	password_hash TEXT,
	must_change_password INTEGER NOT NULL DEFAULT 0,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	CHECK (role <> 'member' OR org_id IS NOT NULL)
);
CREATE INDEX users_org ON users (org_id) WHERE org_id IS NOT NULL;

-- The cookie holds the session id; only its SHA-256 is stored.
CREATE TABLE sessions (
	id_hash TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	hash TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	last_used_at INTEGER,
	UNIQUE (user_id, name)
);

-- Failed logins by key ("user:NAME" or "addr:ADDRESS").
CREATE TABLE login_failures (
	key TEXT NOT NULL,
	at INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

-- Which orgs an incident concerns: concerned (the org it is about),
-- client (a client of the concerned party, e.g. a hosting customer) or
-- recipient (named by a handler as someone it is shared with).
CREATE TABLE incident_orgs (
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
	role TEXT NOT NULL CHECK (role IN ('concerned', 'client',
	    'recipient')),
	added_at INTEGER NOT NULL,
	PRIMARY KEY (incident_id, org_id)
);
CREATE INDEX incident_orgs_org ON incident_orgs (org_id, incident_id);

-- Users who reported an incident through their own account.
CREATE TABLE incident_users (
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	added_at INTEGER NOT NULL,
	PRIMARY KEY (incident_id, user_id)
);
CREATE INDEX incident_users_user ON incident_users (user_id, incident_id);

-- Lists filtered by category (and status) count their rows from this
-- index alone instead of visiting every incident of those statuses.
CREATE INDEX incidents_category ON incidents (category, status, created_at);
