/** Queries of DLRN's `commits` table and its votes (`civotes`): build rows of every trunk. */
import type { Pool, PoolClient } from 'pg';
import type { CommitRow } from '../domain/trunk/types';
import { withTransaction } from './pool';

export type Db = Pool | PoolClient;

/** A build row as DLRN's `commits` table holds it (plus the trunk). */
export interface CommitInsert {
  trunk: string;
  projectName: string;
  commitHash: string;
  distroHash: string;
  extendedHash: string | null;
  dtCommit: number;
  dtDistro: number;
  /** 0 unless an extended (downstream) commit is built, as DLRN's drivers store it. */
  dtExtended: number;
  dtBuild: number;
  repoDir: string;
  distgitDir: string;
  commitBranch: string;
  status: 'SUCCESS' | 'FAILED' | 'RETRY';
  component: string | null;
  artifacts: string | null;
  notes: string;
  versionsCsv: string | null;
}

export interface StoredCommit extends CommitRow {
  notes: string | null;
  versionsCsv: string | null;
  dtBuild: number | null;
}

const COLUMNS = `id, type, status, project_name, commit_hash, distro_hash, extended_hash, dt_commit, dt_build,
  commit_branch, component, artifacts, notes, versions_csv`;

function toRow(r: Record<string, unknown>): StoredCommit {
  return {
    id: r.id as number,
    type: r.type as string,
    status: r.status as string,
    projectName: r.project_name as string,
    commitHash: r.commit_hash as string,
    distroHash: r.distro_hash as string,
    extendedHash: (r.extended_hash as string | null) ?? null,
    dtCommit: (r.dt_commit as number) ?? 0,
    dtBuild: (r.dt_build as number | null) ?? null,
    commitBranch: (r.commit_branch as string | null) ?? null,
    component: (r.component as string | null) ?? null,
    artifacts: (r.artifacts as string | null) ?? null,
    notes: (r.notes as string | null) ?? null,
    versionsCsv: (r.versions_csv as string | null) ?? null,
  };
}

/** Every build row of one package of a trunk, oldest first (commit selection reads them all). */
export async function packageRows(db: Db, trunk: string, projectName: string): Promise<StoredCommit[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM commits WHERE trunk = $1 AND project_name = $2 ORDER BY id`, [trunk, projectName]);
  return rows.map(toRow);
}

export async function insertCommit(db: Db, c: CommitInsert): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO commits (trunk, type, project_name, commit_hash, distro_hash, extended_hash, dt_commit, dt_distro, dt_build,
       repo_dir, distgit_dir, commit_branch, status, component, artifacts, notes, versions_csv, dt_extended)
     VALUES ($1, 'rpm', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
    [c.trunk, c.projectName, c.commitHash, c.distroHash, c.extendedHash, c.dtCommit, c.dtDistro, c.dtBuild, c.repoDir,
      c.distgitDir, c.commitBranch, c.status, c.component, c.artifacts, c.notes, c.versionsCsv, c.dtExtended],
  );
  return rows[0].id;
}

/**
 * The row an earlier attempt of the same activity inserted, if any: the same
 * build (hashes and dt_build) with the same status. Activities run at least
 * once, so inserts check first.
 */
export async function findCommit(db: Db, c: CommitInsert): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM commits WHERE trunk = $1 AND project_name = $2 AND commit_hash = $3 AND distro_hash = $4
       AND extended_hash IS NOT DISTINCT FROM $5 AND dt_build = $6 AND status = $7 ORDER BY id DESC LIMIT 1`,
    [c.trunk, c.projectName, c.commitHash, c.distroHash, c.extendedHash, c.dtBuild, c.status],
  );
  return rows[0]?.id ?? null;
}

/** insertCommit, unless an earlier attempt inserted the same row. */
export async function insertCommitOnce(pool: Pool, c: CommitInsert): Promise<number> {
  return withTransaction(pool, async (client) => (await findCommit(client, c)) ?? insertCommit(client, c));
}

/** Each package's newest row of the trunk (RETRY included: DLRN counts it as a failure). */
export async function latestPerProject(db: Db, trunk: string): Promise<StoredCommit[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (project_name) ${COLUMNS} FROM commits WHERE trunk = $1 AND type = 'rpm' ORDER BY project_name, id DESC`, [trunk]);
  return rows.map(toRow);
}

/** Each package's newest SUCCESS row of the trunk, not purged: whose RPMs a new repo links. */
export async function latestSuccessPerProject(db: Db, trunk: string): Promise<StoredCommit[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (project_name) ${COLUMNS} FROM commits
      WHERE trunk = $1 AND type = 'rpm' AND status = 'SUCCESS' AND flags & 2 = 0 ORDER BY project_name, id DESC`, [trunk]);
  return rows.map(toRow);
}

/** The newest builds of a trunk, for report.html. */
export async function recentCommits(db: Db, trunk: string, limit: number): Promise<StoredCommit[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM commits WHERE trunk = $1 ORDER BY id DESC LIMIT $2`, [trunk, limit]);
  return rows.map(toRow);
}

export async function insertVote(db: Db, v: { commitId: number; ciName: string; vote: boolean; timestamp: number; component: string | null; url?: string; notes?: string }): Promise<void> {
  await db.query(
    `INSERT INTO civotes (commit_id, ci_name, ci_url, ci_vote, ci_in_progress, timestamp, notes, component)
     VALUES ($1, $2, $3, $4, false, $5, $6, $7)`,
    [v.commitId, v.ciName, v.url ?? '', v.vote, v.timestamp, v.notes ?? '', v.component],
  );
}

/** Removes a build row and its votes in one transaction (DLRN's recheck deletes the FAILED row). */
export async function deleteCommit(pool: Pool, id: number): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query('DELETE FROM civotes WHERE commit_id = $1', [id]);
    await client.query('DELETE FROM commits WHERE id = $1', [id]);
  });
}

/** True when the database holds any build row (DLRN's health answer depends on it). */
export async function anyCommits(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM commits) AS any');
  return rows[0].any;
}

/** The components a trunk has built rows for (NULL included), for the aggregate repo files. */
export async function builtComponents(db: Db, trunk: string): Promise<Array<string | null>> {
  const { rows } = await db.query<{ component: string | null }>('SELECT DISTINCT component FROM commits WHERE trunk = $1', [trunk]);
  return rows.map((r) => r.component);
}

/** Every row of a trunk built from one distgit commit, whatever its package (DLRN's dedupe is not per project). */
export async function rowsWithDistroHash(db: Db, trunk: string, distroHash: string): Promise<StoredCommit[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM commits WHERE trunk = $1 AND distro_hash = $2 ORDER BY id`, [trunk, distroHash]);
  return rows.map(toRow);
}

/** DLRN's health answer, per trunk: whether the trunk has any build row. */
export async function trunkHasCommits(db: Db, trunk: string): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM commits WHERE trunk = $1) AS any', [trunk]);
  return rows[0].any;
}

/** metrics/builds: SUCCESS and FAILED builds of the trunk with start <= dt_build < end (one package, or all). */
export async function buildCountsBetween(db: Db, trunk: string, start: number, end: number, packageName: string | null): Promise<{ succeeded: number; failed: number }> {
  const { rows } = await db.query<{ succeeded: string; failed: string }>(
    `SELECT count(*) FILTER (WHERE status = 'SUCCESS') AS succeeded, count(*) FILTER (WHERE status = 'FAILED') AS failed
       FROM commits WHERE trunk = $1 AND status IN ('SUCCESS', 'FAILED') AND dt_build >= $2::bigint AND dt_build < $3::bigint
        AND ($4::text IS NULL OR project_name = $4)`,
    [trunk, start, end, packageName],
  );
  return { succeeded: Number(rows[0].succeeded), failed: Number(rows[0].failed) };
}

/** /metrics: the trunk's build rows by status, and all of them. */
export async function buildCountsByStatus(db: Db, trunk: string): Promise<{ succeeded: number; failed: number; retry: number; total: number }> {
  const { rows } = await db.query<{ succeeded: string; failed: string; retry: string; total: string }>(
    `SELECT count(*) FILTER (WHERE status = 'SUCCESS') AS succeeded, count(*) FILTER (WHERE status = 'FAILED') AS failed,
            count(*) FILTER (WHERE status = 'RETRY') AS retry, count(*) AS total FROM commits WHERE trunk = $1`,
    [trunk],
  );
  const r = rows[0];
  return { succeeded: Number(r.succeeded), failed: Number(r.failed), retry: Number(r.retry), total: Number(r.total) };
}

/** DLRN's getLastProcessedCommit times: the package's newest rpm row that is not RETRY. */
export async function lastProcessedTimes(db: Db, trunk: string, projectName: string): Promise<{ dtCommit: number; dtDistro: number } | null> {
  const { rows } = await db.query<{ dt_commit: number | null; dt_distro: number | null }>(
    `SELECT dt_commit, dt_distro FROM commits WHERE trunk = $1 AND project_name = $2 AND type = 'rpm' AND status <> 'RETRY' ORDER BY id DESC LIMIT 1`,
    [trunk, projectName]);
  return rows[0] ? { dtCommit: rows[0].dt_commit ?? 0, dtDistro: rows[0].dt_distro ?? 0 } : null;
}

/**
 * What the status report needs of every package of a trunk, however long ago
 * it happened: its newest row, its newest SUCCESS and, while it is red, its
 * first FAILED row after that success (the first FAILED ever when it never
 * succeeded). DLRN's genreports asks the same three questions per package.
 */
export async function statusReportRows(db: Db, trunk: string): Promise<StoredCommit[]> {
  const { rows } = await db.query(
    `WITH latest AS (
       SELECT DISTINCT ON (project_name) id, project_name, status FROM commits
        WHERE trunk = $1 AND type = 'rpm' ORDER BY project_name, id DESC),
     last_success AS (
       SELECT DISTINCT ON (project_name) id, project_name, dt_build FROM commits
        WHERE trunk = $1 AND type = 'rpm' AND status = 'SUCCESS' ORDER BY project_name, id DESC),
     first_failure AS (
       SELECT DISTINCT ON (c.project_name) c.id FROM commits c
         JOIN latest l ON l.project_name = c.project_name AND l.status <> 'SUCCESS'
         LEFT JOIN last_success s ON s.project_name = c.project_name
        WHERE c.trunk = $1 AND c.type = 'rpm' AND c.status = 'FAILED' AND (s.id IS NULL OR c.dt_build > s.dt_build)
        ORDER BY c.project_name, c.id)
     SELECT ${COLUMNS} FROM commits
      WHERE id IN (SELECT id FROM latest UNION SELECT id FROM last_success UNION SELECT id FROM first_failure)
      ORDER BY id`, [trunk]);
  return rows.map(toRow);
}

/** How many rows a trunk has and its highest id: a plan made from its rows still holds while these move only by the rows it foresaw. */
export async function trunkRowStats(db: Db, trunk: string): Promise<{ count: number; maxId: number }> {
  const { rows } = await db.query<{ count: number; max_id: number | null }>(
    'SELECT count(*)::int AS count, max(id) AS max_id FROM commits WHERE trunk = $1', [trunk]);
  return { count: rows[0].count, maxId: rows[0].max_id ?? 0 };
}

/** A trunk's rows after id, oldest first. */
export async function rowsSince(db: Db, trunk: string, id: number): Promise<StoredCommit[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM commits WHERE trunk = $1 AND id > $2 ORDER BY id`, [trunk, id]);
  return rows.map(toRow);
}
