-- drago store, schema 9: an imported original belongs to each athlete it was imported for.
-- The bytes stay stored once by content hash (originals/<sha256>.<ext>); a file row per
-- (sha256, athlete), so "already imported" speaks only of the athlete the file was sent for
-- and never tells an uploader that the same file exists for somebody else (issue 15).
CREATE TABLE files_by_athlete (
    sha256           VARCHAR NOT NULL,
    format           VARCHAR NOT NULL,
    ext              VARCHAR NOT NULL,
    original_name    VARCHAR NOT NULL,
    size_bytes       BIGINT NOT NULL,
    athlete_id       INTEGER NOT NULL,
    device           VARCHAR,
    recovered        BOOLEAN NOT NULL DEFAULT false,
    recovery_reason  VARCHAR,
    imported_utc     TIMESTAMP NOT NULL,
    PRIMARY KEY (sha256, athlete_id)
);
INSERT INTO files_by_athlete SELECT * FROM files;
DROP TABLE files;
ALTER TABLE files_by_athlete RENAME TO files;
