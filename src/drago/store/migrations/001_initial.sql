-- drago store, schema 1: athletes with dated physiology, imported files, sessions and their streams.
-- Times are UTC, stored as TIMESTAMP (no zone); columns carry their units in their names.

CREATE SEQUENCE athlete_id_seq START 1;
CREATE TABLE athletes (
    id            INTEGER PRIMARY KEY DEFAULT nextval('athlete_id_seq'),
    name          VARCHAR NOT NULL,
    name_key      VARCHAR NOT NULL UNIQUE,
    sex           VARCHAR NOT NULL CHECK (sex IN ('m', 'f')),
    tz            VARCHAR NOT NULL DEFAULT 'UTC',
    birth_year    INTEGER,
    weight_class  VARCHAR,
    stance        VARCHAR CHECK (stance IN ('orthodox', 'southpaw')),
    created_utc   TIMESTAMP NOT NULL
);

-- Physiological values change: each applies from valid_from (the athlete's local date) on.
CREATE TABLE athlete_values (
    athlete_id    INTEGER NOT NULL,
    name          VARCHAR NOT NULL,
    value         DOUBLE NOT NULL,
    valid_from    DATE NOT NULL,
    PRIMARY KEY (athlete_id, name, valid_from)
);

-- One row per imported original; the bytes live in originals/<sha256>.<ext>.
CREATE TABLE files (
    sha256           VARCHAR PRIMARY KEY,
    format           VARCHAR NOT NULL,
    ext              VARCHAR NOT NULL,
    original_name    VARCHAR NOT NULL,
    size_bytes       BIGINT NOT NULL,
    athlete_id       INTEGER NOT NULL,
    device           VARCHAR,
    recovered        BOOLEAN NOT NULL DEFAULT false,
    recovery_reason  VARCHAR,
    imported_utc     TIMESTAMP NOT NULL
);

CREATE SEQUENCE session_id_seq START 1;
CREATE TABLE sessions (
    id               INTEGER PRIMARY KEY DEFAULT nextval('session_id_seq'),
    athlete_id       INTEGER NOT NULL,
    start_utc        TIMESTAMP NOT NULL,
    duration_s       DOUBLE NOT NULL,
    timer_s          DOUBLE,
    activity         VARCHAR NOT NULL,
    sport            VARCHAR,
    sub_sport        VARCHAR,
    distance_m       DOUBLE,
    hr_avg_bpm       DOUBLE,
    hr_max_bpm       DOUBLE,
    hr_low_bpm       DOUBLE,
    n_records        INTEGER NOT NULL DEFAULT 0,
    n_rr             INTEGER NOT NULL DEFAULT 0,
    rpe              DOUBLE CHECK (rpe IS NULL OR (rpe >= 0 AND rpe <= 10)),
    notes            VARCHAR,
    device           VARCHAR,
    source_sha256    VARCHAR,
    source_index     INTEGER,
    recovered        BOOLEAN NOT NULL DEFAULT false,
    recovery_reason  VARCHAR,
    created_utc      TIMESTAMP NOT NULL
);

-- 1 Hz (or device-rate) physiological and GPS samples.
CREATE TABLE records (
    session_id     INTEGER NOT NULL,
    ts_utc         TIMESTAMP NOT NULL,
    hr_bpm         DOUBLE,
    speed_ms       DOUBLE,
    distance_m     DOUBLE,
    altitude_m     DOUBLE,
    cadence_rpm    DOUBLE,
    power_w        DOUBLE,
    lat_deg        DOUBLE,
    lon_deg        DOUBLE,
    temperature_c  DOUBLE
);

CREATE TABLE laps (
    session_id   INTEGER NOT NULL,
    lap_index    INTEGER NOT NULL,
    start_utc    TIMESTAMP,
    duration_s   DOUBLE,
    distance_m   DOUBLE,
    hr_avg_bpm   DOUBLE,
    hr_max_bpm   DOUBLE
);

-- RR intervals in beat order.
CREATE TABLE rr_intervals (
    session_id  INTEGER NOT NULL,
    beat_index  INTEGER NOT NULL,
    rr_ms       DOUBLE NOT NULL
);

-- Inertial samples per sensor (e.g. left/right glove), SI units.
CREATE TABLE imu_samples (
    session_id  INTEGER NOT NULL,
    sensor      VARCHAR NOT NULL,
    ts_utc      TIMESTAMP NOT NULL,
    acc_x_ms2   DOUBLE,
    acc_y_ms2   DOUBLE,
    acc_z_ms2   DOUBLE,
    gyro_x_rads DOUBLE,
    gyro_y_rads DOUBLE,
    gyro_z_rads DOUBLE
);
