-- drago store, schema 6: team mode. Accounts with roles, the teams a coach sees, session and
-- API tokens (only their SHA-256 is kept), and the audit log of who read or wrote what.
-- Passwords are kept as argon2id hashes (PHC strings with their own salt), never in clear.

CREATE SEQUENCE user_id_seq START 1;
CREATE TABLE users (
    id                    INTEGER PRIMARY KEY DEFAULT nextval('user_id_seq'),
    login                 VARCHAR NOT NULL,
    login_key             VARCHAR NOT NULL UNIQUE,
    role                  VARCHAR NOT NULL CHECK (role IN ('admin', 'coach', 'athlete', 'analyst')),
    athlete_id            INTEGER,
    password_hash         VARCHAR NOT NULL,
    created_utc           TIMESTAMP NOT NULL,
    password_changed_utc  TIMESTAMP NOT NULL
);

CREATE TABLE user_teams (
    user_id  INTEGER NOT NULL,
    team_id  INTEGER NOT NULL,
    PRIMARY KEY (user_id, team_id)
);

-- A session (a browser's login, also usable as a bearer) or an API token for scripts.
CREATE SEQUENCE token_id_seq START 1;
CREATE TABLE tokens (
    id             INTEGER PRIMARY KEY DEFAULT nextval('token_id_seq'),
    user_id        INTEGER NOT NULL,
    kind           VARCHAR NOT NULL CHECK (kind IN ('session', 'api')),
    token_sha256   VARCHAR NOT NULL UNIQUE,
    created_utc    TIMESTAMP NOT NULL,
    expires_utc    TIMESTAMP,
    last_used_utc  TIMESTAMP,
    revoked_utc    TIMESTAMP
);

-- Every read and write of athlete data through the server, and every login.
CREATE SEQUENCE audit_id_seq START 1;
CREATE TABLE audit (
    id          BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    at_utc      TIMESTAMP NOT NULL,
    login       VARCHAR,
    role        VARCHAR,
    action      VARCHAR NOT NULL,
    method      VARCHAR,
    path        VARCHAR NOT NULL,
    athlete_id  INTEGER,
    status      INTEGER,
    remote      VARCHAR
);
