-- drago store, schema 3: per-session training load, derived (always recomputable) from the
-- session's records, RPE and the athlete's dated HR values; and the athlete's zone model.

ALTER TABLE athletes ADD COLUMN zone_model VARCHAR DEFAULT 'karvonen';

ALTER TABLE sessions ADD COLUMN hr_time_s DOUBLE;
ALTER TABLE sessions ADD COLUMN zone_s DOUBLE[];
ALTER TABLE sessions ADD COLUMN trimp_banister DOUBLE;
ALTER TABLE sessions ADD COLUMN trimp_edwards DOUBLE;
ALTER TABLE sessions ADD COLUMN trimp_lucia DOUBLE;
ALTER TABLE sessions ADD COLUMN srpe_load DOUBLE;
ALTER TABLE sessions ADD COLUMN loads_utc TIMESTAMP;
