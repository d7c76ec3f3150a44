-- SPDX-License-Identifier: MIT
-- The first schema: incidents with their timeline and reports, orgs with
-- what routes notifications to them, and indicators linked to incidents.
-- Times are seconds since the epoch, UTC.

CREATE TABLE ticket_seq (
	year INTEGER PRIMARY KEY,
	last INTEGER NOT NULL
);

CREATE TABLE orgs (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('member', 'isp', 'hosting',
	    'vendor', 'csirt', 'police', 'registrar', 'other')),
	country TEXT,
	lang TEXT NOT NULL DEFAULT 'en' CHECK (lang IN ('ja', 'en', 'ja+en')),
	note TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE org_contacts (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
	address TEXT NOT NULL,
	UNIQUE (org_id, address)
);

-- lo and hi are the first and last address of the block as 32 hex digits
-- (IPv4 mapped into ::ffff:0:0/96), so a range query finds covering blocks.
CREATE TABLE org_netblocks (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
	cidr TEXT NOT NULL,
	lo TEXT NOT NULL,
	hi TEXT NOT NULL,
	prefix INTEGER NOT NULL,
	UNIQUE (org_id, cidr)
);
CREATE INDEX org_netblocks_lo ON org_netblocks (lo, hi);

CREATE TABLE org_asns (
	org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
	asn INTEGER NOT NULL,
	PRIMARY KEY (org_id, asn)
);
CREATE INDEX org_asns_asn ON org_asns (asn);

CREATE TABLE org_domains (
	org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
	domain TEXT NOT NULL,
	PRIMARY KEY (org_id, domain)
);
CREATE INDEX org_domains_domain ON org_domains (domain);

CREATE TABLE incidents (
	id INTEGER PRIMARY KEY,
	ticket TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL CHECK (category IN ('scan', 'defacement',
	    'phishing', 'malware_site', 'dos', 'targeted', 'control_system',
	    'other')),
	status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new',
	    'triaged', 'coordinating', 'waiting', 'resolved', 'closed',
	    'rejected')),
	priority INTEGER NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 5),
	tlp TEXT NOT NULL DEFAULT 'amber' CHECK (tlp IN ('clear', 'green',
	    'amber', 'amber+strict', 'red')),
	stage TEXT CHECK (stage IN ('recon', 'intrusion', 'lateral',
	    'objective')),
	assignee TEXT,
	org_id INTEGER REFERENCES orgs(id),
	reporter TEXT,
	coordinated INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	closed_at INTEGER
);
-- Covering indexes: statistics read only these, never the table.
CREATE INDEX incidents_created ON incidents (created_at, category, status,
    coordinated);
CREATE INDEX incidents_closed ON incidents (closed_at, created_at, status)
    WHERE closed_at IS NOT NULL;
CREATE INDEX incidents_status ON incidents (status, created_at);
CREATE INDEX incidents_assignee ON incidents (assignee, created_at)
    WHERE assignee IS NOT NULL;

-- Free text for any language: trigrams find Japanese words without spaces.
-- No column sizes: nothing ranks by them, and they cost a write per row.
CREATE VIRTUAL TABLE incidents_fts USING fts5 (title, description,
    content = 'incidents', content_rowid = 'id', tokenize = 'trigram',
    columnsize = 0);
CREATE TRIGGER incidents_fts_ins AFTER INSERT ON incidents BEGIN
	INSERT INTO incidents_fts (rowid, title, description)
	VALUES (new.id, new.title, new.description);
END;
CREATE TRIGGER incidents_fts_del AFTER DELETE ON incidents BEGIN
	INSERT INTO incidents_fts (incidents_fts, rowid, title, description)
	VALUES ('delete', old.id, old.title, old.description);
END;
CREATE TRIGGER incidents_fts_upd AFTER UPDATE OF title, description
    ON incidents BEGIN
	INSERT INTO incidents_fts (incidents_fts, rowid, title, description)
	VALUES ('delete', old.id, old.title, old.description);
	INSERT INTO incidents_fts (rowid, title, description)
	VALUES (new.id, new.title, new.description);
END;

-- The timeline is append-only.
CREATE TABLE events (
	id INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	at INTEGER NOT NULL,
	kind TEXT NOT NULL,
	actor TEXT,
	text TEXT NOT NULL DEFAULT '',
	data TEXT
);
CREATE INDEX events_incident ON events (incident_id, id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN
	SELECT RAISE(ABORT, 'timeline events are append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN
	SELECT RAISE(ABORT, 'timeline events are append-only');
END;

-- Reports keep their raw bytes verbatim, as evidence.
CREATE TABLE reports (
	id INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	received_at INTEGER NOT NULL,
	source TEXT NOT NULL,
	format TEXT NOT NULL,
	reporter TEXT,
	subject TEXT,
	message_id TEXT,
	sha256 TEXT NOT NULL,
	size INTEGER NOT NULL,
	raw BLOB NOT NULL,
	-- sha256 of the reporter and the sorted indicators: finds repeats
	fingerprint TEXT
);
CREATE INDEX reports_incident ON reports (incident_id);
CREATE INDEX reports_received ON reports (received_at);
CREATE INDEX reports_fingerprint ON reports (fingerprint, received_at)
    WHERE fingerprint IS NOT NULL;
CREATE INDEX reports_message_id ON reports (message_id)
    WHERE message_id IS NOT NULL;
CREATE TRIGGER reports_no_update BEFORE UPDATE OF raw, sha256, size
    ON reports BEGIN
	SELECT RAISE(ABORT, 'report bytes are kept verbatim');
END;

CREATE TABLE indicators (
	id INTEGER PRIMARY KEY,
	type TEXT NOT NULL,
	value TEXT NOT NULL,
	tlp TEXT NOT NULL DEFAULT 'amber' CHECK (tlp IN ('clear', 'green',
	    'amber', 'amber+strict', 'red')),
	confidence INTEGER NOT NULL DEFAULT 50
	    CHECK (confidence BETWEEN 0 AND 100),
	tags TEXT NOT NULL DEFAULT '',
	source TEXT,
	first_seen INTEGER,
	last_seen INTEGER,
	valid_until INTEGER,
	created_at INTEGER NOT NULL,
	UNIQUE (type, value)
);
CREATE INDEX indicators_value ON indicators (value);

CREATE TABLE incident_indicators (
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	indicator_id INTEGER NOT NULL REFERENCES indicators(id),
	added_at INTEGER NOT NULL,
	PRIMARY KEY (incident_id, indicator_id)
);
CREATE INDEX incident_indicators_ioc ON incident_indicators (indicator_id);

-- Related incidents, stored once with a < b.
CREATE TABLE incident_links (
	a INTEGER NOT NULL REFERENCES incidents(id),
	b INTEGER NOT NULL REFERENCES incidents(id),
	reason TEXT NOT NULL,
	at INTEGER NOT NULL,
	PRIMARY KEY (a, b),
	CHECK (a < b)
);
CREATE INDEX incident_links_b ON incident_links (b);
