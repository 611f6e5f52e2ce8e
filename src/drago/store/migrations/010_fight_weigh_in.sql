-- drago store, schema 10: the bout's weigh-in rules, kept with the fight (issue 16's follow-up),
-- so the athlete page and the camp page use the rules of the bout instead of assuming pro rules.
-- `weigh_in_rules` is one of drago.analysis.camp.weighin's rule names (pro, amateur, ibf);
-- `weigh_in_hours` the promotion's own hours from weigh-in to bout, when it differs from the
-- rules' table. NULL: not set (checked by drago.lab.fight; DuckDB cannot add a CHECK to an
-- existing table).
ALTER TABLE fights ADD COLUMN weigh_in_rules VARCHAR;
ALTER TABLE fights ADD COLUMN weigh_in_hours DOUBLE;
