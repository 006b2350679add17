-- Each version of a target profile or an assessment keeps, beside its text, the document as
-- parsed in a binary form (smm_core::document::prepared): a gap, a roadmap or a page reads it
-- back in a tenth of the time the YAML takes to parse. The text stays the truth: a version
-- without the form (stored before this migration, built as values in the editor) or with one an
-- older release wrote is parsed from its text, as before.
ALTER TABLE document_versions ADD COLUMN prepared BYTEA;
