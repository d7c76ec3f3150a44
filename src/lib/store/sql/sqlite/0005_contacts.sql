-- SPDX-License-Identifier: MIT
-- Contacts: each notification sent to a party about an incident (steps
-- ④ and ⑦), kept with the bytes that went out, and the outbox state that
-- makes delivery survive an SMTP server being down. Recipient preferences
-- per org for aggregation and the machine-readable part.

CREATE TABLE contacts (
	id INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	org_id INTEGER REFERENCES orgs(id),
	recipient TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('notify', 'reminder', 'result')),
	template TEXT NOT NULL,
	lang TEXT NOT NULL CHECK (lang IN ('ja', 'en', 'ja+en')),
	subject TEXT NOT NULL,
	-- <ticket.random@host> without brackets: replies and bounces name it
	message_id TEXT NOT NULL UNIQUE,
	-- the contact a reminder follows up
	parent_id INTEGER REFERENCES contacts(id),
	-- sending: taken by an outbox run, SMTP transaction under way
	state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued',
	    'sending', 'sent', 'failed', 'replied', 'done')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER,
	last_error TEXT,
	created_at INTEGER NOT NULL,
	sending_at INTEGER,
	sent_at INTEGER,
	replied_at INTEGER,
	remind_at INTEGER,
	reminded_at INTEGER,
	raw BLOB NOT NULL
);
CREATE INDEX contacts_incident ON contacts (incident_id, id);
CREATE INDEX contacts_due ON contacts (state, next_attempt_at);
CREATE INDEX contacts_recipient ON contacts (recipient);

-- A bulk notice covers several incidents; incident_id above is the first.
CREATE TABLE contact_incidents (
	contact_id INTEGER NOT NULL REFERENCES contacts(id),
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	PRIMARY KEY (contact_id, incident_id)
);
CREATE INDEX contact_incidents_incident ON contact_incidents (incident_id);

-- How an org wants to be notified (its language is orgs.lang).
CREATE TABLE org_notify_prefs (
	org_id INTEGER PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,
	-- 1: one mail per notice listing all indicators; 0: one per incident
	aggregate INTEGER NOT NULL DEFAULT 1 CHECK (aggregate IN (0, 1)),
	machine TEXT NOT NULL DEFAULT 'both' CHECK (machine IN ('xarf',
	    'iodef', 'both', 'none'))
);
