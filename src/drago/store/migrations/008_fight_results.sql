-- drago store, schema 7: how a fight ended (issue 17). `result` is one of KO, TKO, RTD (the
-- corner retired between rounds), UD, SD, MD (unanimous, split, majority decision), draw, NC
-- (no contest); `winner` 'red' or 'blue' (NULL for a draw or NC); `end_round` and `end_time_s`
-- (time into that round) for a stoppage. Checked by drago.lab.fight (DuckDB cannot add CHECK
-- constraints to an existing table).
ALTER TABLE fights ADD COLUMN result VARCHAR;
ALTER TABLE fights ADD COLUMN winner VARCHAR;
ALTER TABLE fights ADD COLUMN end_round INTEGER;
ALTER TABLE fights ADD COLUMN end_time_s INTEGER;
