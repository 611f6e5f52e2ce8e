-- drago store, schema 2: teams, and sessions recorded twice (watch and phone) linked as duplicates.

CREATE SEQUENCE team_id_seq START 1;
CREATE TABLE teams (
    id           INTEGER PRIMARY KEY DEFAULT nextval('team_id_seq'),
    name         VARCHAR NOT NULL,
    name_key     VARCHAR NOT NULL UNIQUE,
    created_utc  TIMESTAMP NOT NULL
);

ALTER TABLE athletes ADD COLUMN team_id INTEGER;

-- A duplicate points at the primary recording of the same workout and counts for nothing.
ALTER TABLE sessions ADD COLUMN duplicate_of INTEGER;
-- Set when a user chose the primary (`drago session set ID --primary`): linking keeps it.
ALTER TABLE sessions ADD COLUMN primary_pinned BOOLEAN NOT NULL DEFAULT false;
