-- DLRN-compatible tables (dlrn/db.py): same names, column names, types and
-- meanings, so a DLRN database moves over by copying rows. DLRN itself has no
-- secondary indexes; the ones below serve the DLRN API's and the builder's queries.

CREATE TABLE users (
  username  varchar(255) PRIMARY KEY,
  password  varchar(255) NOT NULL          -- passlib sha512_crypt hash, as dlrn-user writes it
);

CREATE TABLE commits (
  id             serial PRIMARY KEY,
  type           varchar(18) NOT NULL DEFAULT 'rpm',   -- 'rpm' or 'container'
  dt_commit      integer,                              -- epoch seconds of the upstream commit
  dt_distro      integer,                              -- epoch seconds of the distgit commit
  dt_extended    integer,
  dt_build       integer,                              -- epoch seconds the build started
  project_name   varchar(256),
  repo_dir       varchar(1024),
  distgit_dir    varchar(1024),
  commit_hash    varchar(64),
  distro_hash    varchar(64),
  extended_hash  varchar(128),
  commit_branch  varchar(256),
  status         varchar(64),                          -- SUCCESS, FAILED or RETRY
  component      varchar(64),
  artifacts      text,                                 -- comma list of repos/.../x.rpm (DLRN's "rpms")
  notes          text,
  flags          integer NOT NULL DEFAULT 0,           -- 0x2 = purged
  versions_csv   varchar(256)
);

CREATE TABLE projects (
  id            serial PRIMARY KEY,
  project_name  varchar(256) NOT NULL,
  last_email    integer NOT NULL DEFAULT 0             -- epoch of the last failure mail
);

CREATE TABLE civotes (
  id              serial PRIMARY KEY,
  commit_id       integer NOT NULL REFERENCES commits (id),
  ci_name         varchar(256),
  ci_url          varchar(1024),
  ci_vote         boolean,
  ci_in_progress  boolean,
  timestamp       integer,
  notes           text,
  "user"          varchar(255) REFERENCES users (username),
  component       varchar(64)
);

CREATE TABLE civotes_agg (
  id              serial PRIMARY KEY,
  ref_hash        varchar(64) NOT NULL,
  ci_name         varchar(256),
  ci_url          varchar(1024),
  ci_vote         boolean,
  ci_in_progress  boolean,
  timestamp       integer,
  notes           text,
  "user"          varchar(255) REFERENCES users (username)
);

CREATE TABLE promotions (
  id              serial PRIMARY KEY,
  commit_id       integer NOT NULL REFERENCES commits (id),
  promotion_name  varchar(256) NOT NULL,
  timestamp       integer NOT NULL,
  "user"          varchar(255) REFERENCES users (username),
  component       varchar(64),
  aggregate_hash  varchar(64)
);

-- The builder's "last processed commit" and dedupe lookups, and the API's
-- commit lookup (status SUCCESS + hashes, highest id).
CREATE INDEX commits_project_type_id ON commits (project_name, type, id DESC);
CREATE INDEX commits_hashes ON commits (commit_hash, distro_hash, extended_hash, status, id DESC);
CREATE INDEX commits_dt_build ON commits (dt_build, status);
CREATE UNIQUE INDEX projects_name ON projects (project_name);
-- last_tested_repo (newest vote by timestamp with filters), repo_status.
CREATE INDEX civotes_timestamp ON civotes (timestamp DESC);
CREATE INDEX civotes_name_timestamp ON civotes (ci_name, timestamp DESC);
CREATE INDEX civotes_commit ON civotes (commit_id);
CREATE INDEX civotes_agg_ref_hash ON civotes_agg (ref_hash, timestamp DESC);
CREATE INDEX promotions_commit ON promotions (commit_id);
CREATE INDEX promotions_name ON promotions (promotion_name, id DESC);
CREATE INDEX promotions_aggregate_hash ON promotions (aggregate_hash);
