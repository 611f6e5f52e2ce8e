-- drago store, schema 7: recordings with implausible content (an HR stream longer than the
-- recording, HR no heart beats at, speeds no human reaches) stay in the store but out of load
-- until a person trusts them (drago session set ID --trust) or deletes them.

ALTER TABLE sessions ADD COLUMN suspect_reason VARCHAR;
ALTER TABLE sessions ADD COLUMN trusted BOOLEAN DEFAULT false;
