-- Each version keeps, beside its prepared form, the form's key (its first bytes: the format number
-- and the digest of the document types that wrote it), in the row itself. Finding the versions
-- whose form this release cannot read (`smm admin prepare-forms`) then reads the rows alone; the
-- form is stored out of line, and reading its first bytes for each of a million versions was
-- a million random reads. Versions stored before keep no key until that command fills it in
-- from their forms, once.
ALTER TABLE document_versions ADD COLUMN prepared_key BYTEA;
