-- What each document version says, kept beside it so a portfolio rolls up in one query without
-- reading bodies: its levels (the summary, as `documents.summary` keeps for the latest version)
-- and, for an assessment, the content digest of the target it names (`target.sha256`), which is
-- how the portfolio finds the target version the assessment is measured against, as the gap does.
-- Derived data: written with each version, and filled in for older versions when the store opens.

ALTER TABLE document_versions ADD COLUMN summary TEXT;
ALTER TABLE document_versions ADD COLUMN target_sha256 TEXT;
