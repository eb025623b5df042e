/** The DLRN API's queries of CI votes: `civotes` (on a build) and `civotes_agg` (on an aggregate hash), per trunk. */
import type { Db } from './commits';

/** A build row as the API reads it: hashes, component and the purged flag. */
export interface ApiCommit {
  id: number;
  projectName: string;
  commitHash: string;
  distroHash: string;
  extendedHash: string | null;
  component: string | null;
  flags: number;
  status: string;
}

const COMMIT_COLUMNS = 'c.id, c.project_name, c.commit_hash, c.distro_hash, c.extended_hash, c.component, c.flags, c.status';

function toCommit(r: Record<string, unknown>): ApiCommit {
  return {
    id: r.id as number,
    projectName: r.project_name as string,
    commitHash: r.commit_hash as string,
    distroHash: r.distro_hash as string,
    extendedHash: (r.extended_hash as string | null) ?? null,
    component: (r.component as string | null) ?? null,
    flags: (r.flags as number) ?? 0,
    status: r.status as string,
  };
}

/**
 * DLRN's `_get_commit`: the newest SUCCESS build of the trunk with these
 * hashes; the extended hash narrows it only when given (non-empty).
 */
export async function successCommit(db: Db, trunk: string, commitHash: string, distroHash: string, extendedHash: string | null): Promise<ApiCommit | null> {
  const { rows } = await db.query(
    `SELECT ${COMMIT_COLUMNS} FROM commits c
      WHERE c.trunk = $1 AND c.status = 'SUCCESS' AND c.commit_hash = $2 AND c.distro_hash = $3
        AND ($4::text IS NULL OR c.extended_hash = $4)
      ORDER BY c.id DESC LIMIT 1`,
    [trunk, commitHash, distroHash, extendedHash || null],
  );
  return rows[0] ? toCommit(rows[0]) : null;
}

/** A build row by id (any status), within a trunk. */
export async function commitById(db: Db, trunk: string, id: number): Promise<ApiCommit | null> {
  const { rows } = await db.query(`SELECT ${COMMIT_COLUMNS} FROM commits c WHERE c.trunk = $1 AND c.id = $2`, [trunk, id]);
  return rows[0] ? toCommit(rows[0]) : null;
}

/** What a vote on a commit and a vote on an aggregate have alike. */
interface VoteFields {
  ciName: string | null;
  ciUrl: string | null;
  ciVote: boolean | null;
  ciInProgress: boolean | null;
  timestamp: number | null;
  notes: string | null;
  user: string | null;
}

function toVoteFields(r: Record<string, unknown>): VoteFields {
  return {
    ciName: (r.ci_name as string | null) ?? null,
    ciUrl: (r.ci_url as string | null) ?? null,
    ciVote: (r.ci_vote as boolean | null) ?? null,
    ciInProgress: (r.ci_in_progress as boolean | null) ?? null,
    timestamp: (r.timestamp as number | null) ?? null,
    notes: (r.notes as string | null) ?? null,
    user: (r.user as string | null) ?? null,
  };
}

export interface Vote extends VoteFields {
  id: number;
  commitId: number;
  component: string | null;
}

const VOTE_COLUMNS = 'v.id, v.commit_id, v.ci_name, v.ci_url, v.ci_vote, v.ci_in_progress, v.timestamp, v.notes, v."user", v.component';

function toVote(r: Record<string, unknown>): Vote {
  return { id: r.id as number, commitId: r.commit_id as number, ...toVoteFields(r), component: (r.component as string | null) ?? null };
}

/** One vote search of last_tested_repo (see domain/dlrn-api/votes.ts). */
export interface VoteQuery {
  since: number;
  success: boolean | null;
  ciName: string | null;
  excludeConsistent: boolean;
  component: string | null;
}

/** The newest vote (by timestamp) matching the search, on a SUCCESS build of the trunk, with that build. */
export async function newestVote(db: Db, trunk: string, q: VoteQuery): Promise<{ vote: Vote; commit: ApiCommit } | null> {
  const { rows } = await db.query(
    `SELECT ${VOTE_COLUMNS}, ${COMMIT_COLUMNS.replace(/c\.(\w+)/g, 'c.$1 AS c_$1')}
       FROM civotes v JOIN commits c ON c.id = v.commit_id
      WHERE c.trunk = $1 AND c.status = 'SUCCESS' AND v.timestamp > $2::bigint
        AND ($3::boolean IS NULL OR v.ci_vote = $3)
        AND ($4::text IS NULL OR v.ci_name = $4)
        AND (CASE WHEN $5 THEN v.ci_name <> 'consistent' ELSE v.ci_name = 'consistent' END)
        AND ($6::text IS NULL OR v.component = $6)
      ORDER BY v.timestamp DESC, v.id DESC LIMIT 1`,
    [trunk, q.since, q.success, q.ciName, q.excludeConsistent, q.component],
  );
  if (!rows[0]) return null;
  const r = rows[0] as Record<string, unknown>;
  const commit = Object.fromEntries(Object.entries(r).filter(([k]) => k.startsWith('c_')).map(([k, v]) => [k.slice(2), v]));
  return { vote: toVote(r), commit: toCommit(commit) };
}

export interface VoteInsert {
  commitId: number;
  ciName: string;
  ciUrl: string;
  ciVote: boolean;
  ciInProgress: boolean;
  timestamp: number;
  notes: string | null;
  user: string | null;
  component: string | null;
}

export async function insertApiVote(db: Db, v: VoteInsert): Promise<Vote> {
  const { rows } = await db.query(
    `INSERT INTO civotes AS v (commit_id, ci_name, ci_url, ci_vote, ci_in_progress, timestamp, notes, "user", component)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${VOTE_COLUMNS}`,
    [v.commitId, v.ciName, v.ciUrl, v.ciVote, v.ciInProgress, v.timestamp, v.notes, v.user, v.component],
  );
  return toVote(rows[0]);
}

/** repo_status: every vote on one build, in insertion order, optionally only passes or failures. */
export async function votesOfCommit(db: Db, commitId: number, success: boolean | null): Promise<Vote[]> {
  const { rows } = await db.query(
    `SELECT ${VOTE_COLUMNS} FROM civotes v WHERE v.commit_id = $1 AND ($2::boolean IS NULL OR v.ci_vote = $2) ORDER BY v.id`,
    [commitId, success],
  );
  return rows.map(toVote);
}

export interface AggVote extends VoteFields {
  id: number;
  refHash: string;
}

const AGG_COLUMNS = 'a.id, a.ref_hash, a.ci_name, a.ci_url, a.ci_vote, a.ci_in_progress, a.timestamp, a.notes, a."user"';

function toAggVote(r: Record<string, unknown>): AggVote {
  return { id: r.id as number, refHash: r.ref_hash as string, ...toVoteFields(r) };
}

/** agg_status: the votes on an aggregate hash of the trunk, in insertion order. */
export async function aggVotes(db: Db, trunk: string, refHash: string, success: boolean | null): Promise<AggVote[]> {
  const { rows } = await db.query(
    `SELECT ${AGG_COLUMNS} FROM civotes_agg a WHERE a.trunk = $1 AND a.ref_hash = $2 AND ($3::boolean IS NULL OR a.ci_vote = $3) ORDER BY a.id`,
    [trunk, refHash, success],
  );
  return rows.map(toAggVote);
}

export async function insertAggVote(db: Db, trunk: string, v: Omit<AggVote, 'id'>): Promise<AggVote> {
  const { rows } = await db.query(
    `INSERT INTO civotes_agg AS a (trunk, ref_hash, ci_name, ci_url, ci_vote, ci_in_progress, timestamp, notes, "user")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${AGG_COLUMNS}`,
    [trunk, v.refHash, v.ciName, v.ciUrl, v.ciVote, v.ciInProgress, v.timestamp, v.notes, v.user],
  );
  return toAggVote(rows[0]);
}

export interface CommitVoteSummary {
  commitHash: string;
  distroHash: string;
  component: string | null;
  success: number;
  failure: number;
  timestamp: number;
}

/**
 * civotes.html: the page of votes (not `consistent`, newest first, `limit`
 * from `offset`) grouped by build: passes, failures and the newest vote's time.
 */
export async function votesPageByCommit(db: Db, trunk: string, offset: number, limit: number): Promise<CommitVoteSummary[]> {
  const { rows } = await db.query(
    `WITH page AS (
       SELECT v.commit_id, v.ci_vote, v.timestamp FROM civotes v JOIN commits c ON c.id = v.commit_id
        WHERE c.trunk = $1 AND v.ci_name <> 'consistent' ORDER BY v.timestamp DESC, v.id DESC OFFSET $2 LIMIT $3)
     SELECT c.commit_hash, c.distro_hash, c.component,
            count(*) FILTER (WHERE p.ci_vote) AS success, count(*) FILTER (WHERE NOT p.ci_vote) AS failure, max(p.timestamp) AS timestamp
       FROM page p JOIN commits c ON c.id = p.commit_id
      GROUP BY c.id, c.commit_hash, c.distro_hash, c.component ORDER BY max(p.timestamp) DESC`,
    [trunk, offset, limit],
  );
  return rows.map((r: Record<string, unknown>) => ({
    commitHash: r.commit_hash as string, distroHash: r.distro_hash as string, component: (r.component as string | null) ?? null,
    success: Number(r.success), failure: Number(r.failure), timestamp: (r.timestamp as number) ?? 0,
  }));
}

export interface AggVoteSummary {
  refHash: string;
  success: number;
  failure: number;
  timestamp: number;
}

/** civotes_agg.html: the page of aggregate votes grouped by aggregate hash. */
export async function aggVotesPage(db: Db, trunk: string, offset: number, limit: number): Promise<AggVoteSummary[]> {
  const { rows } = await db.query(
    `WITH page AS (SELECT a.ref_hash, a.ci_vote, a.timestamp FROM civotes_agg a WHERE a.trunk = $1
                    ORDER BY a.timestamp DESC, a.id DESC OFFSET $2 LIMIT $3)
     SELECT ref_hash, count(*) FILTER (WHERE ci_vote) AS success, count(*) FILTER (WHERE NOT ci_vote) AS failure, max(timestamp) AS timestamp
       FROM page GROUP BY ref_hash ORDER BY max(timestamp) DESC`,
    [trunk, offset, limit],
  );
  return rows.map((r: Record<string, unknown>) => ({
    refHash: r.ref_hash as string, success: Number(r.success), failure: Number(r.failure), timestamp: (r.timestamp as number) ?? 0,
  }));
}

/** Votes of one CI, one build or one component, newest first (civotes_detail.html). */
export async function voteDetails(db: Db, trunk: string, f: { commitId: number | null; ciName: string | null; component: string | null }, offset: number, limit: number): Promise<Array<Vote & { commitHash: string; distroHash: string }>> {
  const { rows } = await db.query(
    `SELECT ${VOTE_COLUMNS}, c.commit_hash AS c_commit_hash, c.distro_hash AS c_distro_hash
       FROM civotes v JOIN commits c ON c.id = v.commit_id
      WHERE c.trunk = $1 AND ($2::integer IS NULL OR v.commit_id = $2) AND ($3::text IS NULL OR v.ci_name = $3) AND ($4::text IS NULL OR v.component = $4)
      ORDER BY v.timestamp DESC, v.id DESC OFFSET $5 LIMIT $6`,
    [trunk, f.commitId, f.ciName, f.component, offset, limit],
  );
  return rows.map((r: Record<string, unknown>) => ({ ...toVote(r), commitHash: r.c_commit_hash as string, distroHash: r.c_distro_hash as string }));
}

/** Aggregate votes of one hash or one CI, newest first (civotes_agg_detail.html). */
export async function aggVoteDetails(db: Db, trunk: string, f: { refHash: string | null; ciName: string | null }, offset: number, limit: number): Promise<AggVote[]> {
  const { rows } = await db.query(
    `SELECT ${AGG_COLUMNS} FROM civotes_agg a WHERE a.trunk = $1 AND ($2::text IS NULL OR a.ref_hash = $2) AND ($3::text IS NULL OR a.ci_name = $3)
      ORDER BY a.timestamp DESC, a.id DESC OFFSET $4 LIMIT $5`,
    [trunk, f.refHash, f.ciName, offset, limit],
  );
  return rows.map(toAggVote);
}
