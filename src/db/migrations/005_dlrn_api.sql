-- The DLRN API serves one trunk per prefix: aggregate votes name the trunk
-- whose promotion they vote on (rows copied from a DLRN database get the
-- trunk they are imported into). Indexes for the API's hot queries.
ALTER TABLE civotes_agg ADD COLUMN trunk varchar(64) NOT NULL DEFAULT '';
DROP INDEX IF EXISTS civotes_agg_ref_hash;
CREATE INDEX civotes_agg_trunk_ref_hash ON civotes_agg (trunk, ref_hash, id);
CREATE INDEX civotes_agg_trunk_timestamp ON civotes_agg (trunk, timestamp DESC);
-- repo_status, report_result, promote: a SUCCESS build of a trunk by its hashes, newest first.
CREATE INDEX commits_trunk_hashes_success ON commits (trunk, commit_hash, distro_hash, id DESC) WHERE status = 'SUCCESS';
-- repo_status lists a build's votes in insertion order.
CREATE INDEX civotes_commit_id ON civotes (commit_id, id);
-- metrics/builds: builds of a trunk by status and build time.
CREATE INDEX commits_trunk_status_dt_build ON commits (trunk, status, dt_build);
