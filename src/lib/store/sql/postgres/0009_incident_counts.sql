-- SPDX-License-Identifier: MIT
-- How many incidents there are of each status, category and TLP, kept by
-- triggers, so that a list filtered on those alone (the dashboard, "open
-- phishing") tells its total without counting rows. Lists with any other
-- condition still count.
CREATE TABLE incident_counts (
	status TEXT COLLATE "C" NOT NULL,
	category TEXT COLLATE "C" NOT NULL,
	tlp TEXT COLLATE "C" NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (status, category, tlp)
);

INSERT INTO incident_counts (status, category, tlp, n)
	SELECT status, category, tlp, count(*) FROM incidents
	GROUP BY status, category, tlp;

-- One function for the three triggers: TG_OP says which rows to count.
CREATE FUNCTION incident_counts_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		UPDATE incident_counts SET n = n - 1
			WHERE status = OLD.status AND category = OLD.category
			AND tlp = OLD.tlp;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO incident_counts AS c (status, category, tlp, n)
			VALUES (NEW.status, NEW.category, NEW.tlp, 1)
			ON CONFLICT (status, category, tlp)
			DO UPDATE SET n = c.n + 1;
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER incident_counts_insert AFTER INSERT ON incidents
	FOR EACH ROW EXECUTE FUNCTION incident_counts_keep();

CREATE TRIGGER incident_counts_delete AFTER DELETE ON incidents
	FOR EACH ROW EXECUTE FUNCTION incident_counts_keep();

CREATE TRIGGER incident_counts_update
	AFTER UPDATE OF status, category, tlp ON incidents
	FOR EACH ROW
	WHEN (OLD.status IS DISTINCT FROM NEW.status
	    OR OLD.category IS DISTINCT FROM NEW.category
	    OR OLD.tlp IS DISTINCT FROM NEW.tlp)
	EXECUTE FUNCTION incident_counts_keep();
