-- A third kind of document: a system's loss scenarios (`kind: RiskScenarios`), versioned like
-- targets and assessments. Only the kind's constraint changes; no stored row does.
ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check
    CHECK (kind IN ('TargetProfile', 'Assessment', 'RiskScenarios'));
