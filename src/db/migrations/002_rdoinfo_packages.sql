-- trunkflow's own record of rdoinfo as resolved per release (DLRN re-reads
-- rdoinfo on every run; keeping the resolved list makes it queryable and
-- lets a sync show exactly what changed).
CREATE TABLE packages (
  release        varchar(64)  NOT NULL,
  name           varchar(256) NOT NULL,
  project        varchar(256) NOT NULL,
  upstream       varchar(1024),
  master_distgit varchar(1024),
  distgit        varchar(1024),
  component      varchar(64),
  maintainers    jsonb NOT NULL DEFAULT '[]',
  details        jsonb NOT NULL,                       -- the whole resolved entry
  synced_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (release, name)
);
