-- SPDX-License-Identifier: MIT
-- How many incidents there are of each status, category and TLP, kept by
-- triggers, so that a list filtered on those alone (the dashboard, "open
-- phishing") tells its total without counting rows. Lists with any other
-- condition still count.
CREATE TABLE incident_counts (
	status TEXT NOT NULL,
	category TEXT NOT NULL,
	tlp TEXT NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (status, category, tlp)
) WITHOUT ROWID;

INSERT INTO incident_counts (status, category, tlp, n)
	SELECT status, category, tlp, count(*) FROM incidents
	GROUP BY status, category, tlp;

CREATE TRIGGER incident_counts_insert AFTER INSERT ON incidents
BEGIN
	INSERT INTO incident_counts (status, category, tlp, n)
		VALUES (NEW.status, NEW.category, NEW.tlp, 1)
		ON CONFLICT (status, category, tlp) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER incident_counts_delete AFTER DELETE ON incidents
BEGIN
	UPDATE incident_counts SET n = n - 1
		WHERE status = OLD.status AND category = OLD.category
		AND tlp = OLD.tlp;
END;

CREATE TRIGGER incident_counts_update
AFTER UPDATE OF status, category, tlp ON incidents
WHEN OLD.status IS NOT NEW.status OR OLD.category IS NOT NEW.category
	OR OLD.tlp IS NOT NEW.tlp
BEGIN
	UPDATE incident_counts SET n = n - 1
		WHERE status = OLD.status AND category = OLD.category
		AND tlp = OLD.tlp;
	INSERT INTO incident_counts (status, category, tlp, n)
		VALUES (NEW.status, NEW.category, NEW.tlp, 1)
		ON CONFLICT (status, category, tlp) DO UPDATE SET n = n + 1;
END;
