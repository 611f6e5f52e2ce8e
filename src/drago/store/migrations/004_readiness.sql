-- drago store, schema 4: morning RR measurements with their HRV, and wellness questionnaires.

CREATE SEQUENCE measurement_id_seq START 1;
CREATE TABLE rr_measurements (
    id             INTEGER PRIMARY KEY DEFAULT nextval('measurement_id_seq'),
    athlete_id     INTEGER NOT NULL,
    date           DATE NOT NULL,
    start_utc      TIMESTAMP,
    source_sha256  VARCHAR,
    format         VARCHAR,
    unit_detected  VARCHAR,
    n_beats        INTEGER NOT NULL,
    duration_s     DOUBLE,
    artefact_pct   DOUBLE,
    reliable       BOOLEAN NOT NULL,
    reason         VARCHAR,
    correction     VARCHAR,
    mean_rr_ms     DOUBLE,
    mean_hr_bpm    DOUBLE,
    rmssd_ms       DOUBLE,
    ln_rmssd       DOUBLE,
    sdnn_ms        DOUBLE,
    pnn50_pct      DOUBLE,
    created_utc    TIMESTAMP NOT NULL
);

-- The raw beats of each measurement, so the metrics can be recomputed when methods improve.
CREATE TABLE measurement_rr (
    measurement_id  INTEGER NOT NULL,
    beat_index      INTEGER NOT NULL,
    rr_ms           DOUBLE NOT NULL
);

-- A morning questionnaire (Hooper & Mackinnon 1995 items, 1-7, 1 best), one per athlete a day.
CREATE TABLE wellness (
    athlete_id   INTEGER NOT NULL,
    date         DATE NOT NULL,
    sleep        INTEGER,
    stress       INTEGER,
    fatigue      INTEGER,
    soreness     INTEGER,
    mood         INTEGER,
    rhr_bpm      DOUBLE,
    created_utc  TIMESTAMP NOT NULL,
    PRIMARY KEY (athlete_id, date)
);
