-- Each system's standing as the portfolio reads it, kept on the system's row at each document
-- write (crates/smm-store/src/standing.rs): the latest assessment with its levels and the digest
-- of the target it names, and the target it is measured against with that target's levels.
-- Found at read time these cost four index lookups per system, too many for a portfolio of
-- 10,000 systems. The store fills them in once when it first opens after this migration
-- (`store_upkeep` task `standings`).
ALTER TABLE systems ADD COLUMN latest_assessment BIGINT;
ALTER TABLE systems ADD COLUMN latest_assessment_summary TEXT;
ALTER TABLE systems ADD COLUMN latest_assessment_names TEXT;
ALTER TABLE systems ADD COLUMN measured_against BIGINT;
ALTER TABLE systems ADD COLUMN measured_against_summary TEXT;
