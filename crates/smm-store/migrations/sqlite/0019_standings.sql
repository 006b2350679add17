-- Each system's standing as the portfolio reads it, kept on the system's row at each document
-- write (crates/smm-store/src/standing.rs): the latest assessment with its levels and the digest
-- of the target it names, and the target it is measured against with that target's levels.
-- Found at read time these cost four index lookups per system, too many for a portfolio of
-- 10,000 systems. The store fills them in once when it first opens after this migration
-- (`store_upkeep` task `standings`).
ALTER TABLE systems ADD COLUMN latest_assessment INTEGER;
ALTER TABLE systems ADD COLUMN latest_assessment_summary TEXT;
ALTER TABLE systems ADD COLUMN latest_assessment_names TEXT;
ALTER TABLE systems ADD COLUMN measured_against INTEGER;
ALTER TABLE systems ADD COLUMN measured_against_summary TEXT;

-- Each new version brings its system's standing up to date, in the statement that stores it: the
-- rule holds for every writer of this database, a server of the previous release during a rolling
-- upgrade included, and costs no round trip. `Store::refresh_standings` finds the same values
-- from the documents; the tests compare the two after random sequences of writes.
--
-- An assessment that is (or becomes, being new) its system's latest sets the assessment's columns
-- and looks up the target it names: the newest target of the system with a version of that
-- digest, and that document's newest such version's levels.
CREATE TRIGGER standing_of_an_assessment AFTER INSERT ON document_versions
WHEN (SELECT kind FROM documents WHERE id = NEW.document_id) = 'Assessment'
BEGIN
    UPDATE systems SET
        latest_assessment = NEW.document_id,
        latest_assessment_summary = NEW.summary,
        latest_assessment_names = NEW.target_sha256,
        measured_against = (SELECT td.id FROM documents td
            JOIN document_versions tv ON tv.document_id = td.id
            WHERE td.system_id = systems.id AND td.kind = 'TargetProfile'
              AND tv.sha256 = NEW.target_sha256
            ORDER BY td.id DESC, tv.version DESC LIMIT 1),
        measured_against_summary = (SELECT tv.summary FROM documents td
            JOIN document_versions tv ON tv.document_id = td.id
            WHERE td.system_id = systems.id AND td.kind = 'TargetProfile'
              AND tv.sha256 = NEW.target_sha256
            ORDER BY td.id DESC, tv.version DESC LIMIT 1)
    WHERE id = (SELECT system_id FROM documents WHERE id = NEW.document_id)
      AND (latest_assessment IS NULL OR latest_assessment <= NEW.document_id);
END;

-- A target version changes the standing only where it is the one the standing would now pick:
-- with an assessment, when it has the digest the assessment names and is the newest document that
-- does; without one, when it is the system's latest target.
CREATE TRIGGER standing_of_a_target AFTER INSERT ON document_versions
WHEN (SELECT kind FROM documents WHERE id = NEW.document_id) = 'TargetProfile'
BEGIN
    UPDATE systems SET
        measured_against = NEW.document_id,
        measured_against_summary = NEW.summary
    WHERE id = (SELECT system_id FROM documents WHERE id = NEW.document_id)
      AND (measured_against IS NULL OR measured_against <= NEW.document_id)
      AND (latest_assessment IS NULL OR latest_assessment_names = NEW.sha256);
END;
