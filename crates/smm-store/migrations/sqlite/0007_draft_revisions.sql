-- A draft's revision counts its saves. The wizard's background saves name the revision they
-- were based on, so a save that reaches the server late (after the step was submitted, or after
-- another tab saved) is refused instead of putting older answers back.

ALTER TABLE drafts ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
