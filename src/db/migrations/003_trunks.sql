-- One database serves several trunks (DLRN runs one database per builder):
-- each build row names its trunk. Rows copied from a DLRN database get the
-- trunk they are imported into.
ALTER TABLE commits ADD COLUMN trunk varchar(64) NOT NULL DEFAULT '';
CREATE INDEX commits_trunk_project_id ON commits (trunk, project_name, id DESC);
CREATE INDEX commits_trunk_id ON commits (trunk, id DESC);
