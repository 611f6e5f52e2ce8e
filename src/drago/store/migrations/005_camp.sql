-- drago store, schema 5: fight camps (performance tests, body mass, medical suspensions) and
-- fight night (fights, per-round punch counts per corner, judges' scores).
-- No foreign keys: DuckDB rewrites updated rows as delete + insert, which they would block.

-- A performance test (any unit); `lower_is_better` marks times and the like.
CREATE TABLE performance_tests (
    athlete_id       INTEGER NOT NULL,
    date             DATE NOT NULL,
    test             VARCHAR NOT NULL,
    value            DOUBLE NOT NULL,
    lower_is_better  BOOLEAN NOT NULL DEFAULT false,
    created_utc      TIMESTAMP NOT NULL
);

-- One weigh-in a day (the last one entered wins).
CREATE TABLE body_mass (
    athlete_id  INTEGER NOT NULL,
    date        DATE NOT NULL,
    kg          DOUBLE NOT NULL CHECK (kg > 0),
    PRIMARY KEY (athlete_id, date)
);

-- A medical suspension: no sparring from first_day for `days` days.
CREATE SEQUENCE suspension_id_seq START 1;
CREATE TABLE suspensions (
    id          INTEGER PRIMARY KEY DEFAULT nextval('suspension_id_seq'),
    athlete_id  INTEGER NOT NULL,
    first_day   DATE NOT NULL,
    days        INTEGER NOT NULL CHECK (days > 0),
    reason      VARCHAR NOT NULL
);

-- A bout; a corner is an athlete of the store or an external opponent (name only).
CREATE SEQUENCE fight_id_seq START 1;
CREATE TABLE fights (
    id               INTEGER PRIMARY KEY DEFAULT nextval('fight_id_seq'),
    date             DATE NOT NULL,
    red_name         VARCHAR NOT NULL,
    blue_name        VARCHAR NOT NULL,
    red_athlete_id   INTEGER,
    blue_athlete_id  INTEGER,
    rounds           INTEGER NOT NULL CHECK (rounds > 0),
    weight_class     VARCHAR,
    created_utc      TIMESTAMP NOT NULL
);

-- CompuBox-style counts of one corner in one round; knockdowns: times this corner went down.
CREATE TABLE fight_rounds (
    fight_id      INTEGER NOT NULL,
    round         INTEGER NOT NULL,
    corner        VARCHAR NOT NULL CHECK (corner IN ('red', 'blue')),
    jab_thrown    INTEGER NOT NULL,
    jab_landed    INTEGER NOT NULL,
    power_thrown  INTEGER NOT NULL,
    power_landed  INTEGER NOT NULL,
    knockdowns    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (fight_id, round, corner)
);

-- One judge's 10-point-must score of one round; a side not yet entered is NULL.
CREATE TABLE fight_scores (
    fight_id  INTEGER NOT NULL,
    round     INTEGER NOT NULL,
    judge     INTEGER NOT NULL,
    red       INTEGER,
    blue      INTEGER,
    PRIMARY KEY (fight_id, round, judge)
);
