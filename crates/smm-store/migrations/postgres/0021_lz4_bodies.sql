-- A version's text and prepared form are compressed when stored (TOAST) with lz4 instead of the
-- default pglz: pglz took a third of the database's CPU in a load of assessment creates, and lz4
-- compresses several times faster for a little less compression. Only values written from now on
-- are affected; older ones stay readable as they are. A server built without lz4 (or older than
-- PostgreSQL 14, which has no per-column compression) keeps pglz.
DO $$
BEGIN
    IF current_setting('server_version_num')::int >= 140000 THEN
        EXECUTE 'ALTER TABLE document_versions ALTER COLUMN body SET COMPRESSION lz4';
        EXECUTE 'ALTER TABLE document_versions ALTER COLUMN prepared SET COMPRESSION lz4';
    END IF;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END
$$;
