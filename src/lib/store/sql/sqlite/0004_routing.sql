-- SPDX-License-Identifier: MIT
-- Routing: abuse contacts imported from a table (an RIR's abuse-c export,
-- a provider's list), by AS number or by address block, used for an
-- indicator that no org covers. For a prefix, lo and hi are its first and
-- last address as 32 hex digits (IPv4 mapped) as in org_netblocks; key is
-- the canonical CIDR, or the AS number as digits.
CREATE TABLE abuse_contacts (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('asn', 'prefix')),
	key TEXT NOT NULL,
	lo TEXT,
	hi TEXT,
	prefix INTEGER,
	address TEXT NOT NULL,
	source TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	UNIQUE (kind, key, address)
);
CREATE INDEX abuse_contacts_range ON abuse_contacts (lo, hi)
    WHERE kind = 'prefix';
CREATE INDEX abuse_contacts_source ON abuse_contacts (source);
