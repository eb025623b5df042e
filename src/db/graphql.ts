/** The queries behind the DLRN API's /api/graphql (commits, civote, civoteAgg, packageStatus), per trunk. */
import type { Db } from './commits';

export interface IntFilter {
  gt?: number | null;
  gte?: number | null;
  lt?: number | null;
  lte?: number | null;
  eq?: number | null;
}

/** Builds `AND column op $n` clauses; values go in `params`. */
function clauses(params: unknown[], filters: Array<[string, string, unknown]>): string {
  let sql = '';
  for (const [column, op, value] of filters) {
    if (value === undefined || value === null) continue;
    params.push(value);
    sql += ` AND ${column} ${op} $${params.length}`;
  }
  return sql;
}

const rangeFilters = (column: string, f: IntFilter | null | undefined): Array<[string, string, unknown]> =>
  f ? [[column, '>', f.gt], [column, '>=', f.gte], [column, '<', f.lt], [column, '<=', f.lte], [column, '=', f.eq]] : [];

export interface CommitFilter {
  projectName?: string | null;
  component?: string | null;
  status?: string | null;
  commitHash?: string | null;
  distroHash?: string | null;
  /** A LIKE pattern, as DLRN applies it. */
  extendedHash?: string | null;
  id?: number | null;
}

/** Rows of `commits` of the trunk, newest first, as the raw columns. */
export async function graphqlCommits(db: Db, trunk: string, f: CommitFilter, offset: number, limit: number): Promise<Array<Record<string, unknown>>> {
  const params: unknown[] = [trunk];
  const where = clauses(params, [
    ['project_name', '=', f.projectName || null], ['component', '=', f.component || null], ['status', '=', f.status || null],
    ['commit_hash', '=', f.commitHash || null], ['distro_hash', '=', f.distroHash || null], ['extended_hash', 'LIKE', f.extendedHash || null], ['id', '=', f.id],
  ]);
  params.push(offset, limit);
  const { rows } = await db.query(`SELECT * FROM commits WHERE trunk = $1${where} ORDER BY id DESC OFFSET $${params.length - 1} LIMIT $${params.length}`, params);
  return rows;
}

export interface VoteFilter {
  id?: number | null;
  commitId?: number | null;
  ciName?: string | null;
  ciVote?: boolean | null;
  ciInProgress?: boolean | null;
  timestamp?: number | null;
  user?: string | null;
  component?: string | null;
  where?: IntFilter | null;
}

/** Rows of `civotes` on the trunk's builds, newest (by id) first. */
export async function graphqlVotes(db: Db, trunk: string, f: VoteFilter, offset: number, limit: number): Promise<Array<Record<string, unknown>>> {
  const params: unknown[] = [trunk];
  const where = clauses(params, [
    ['v.id', '=', f.id], ['v.commit_id', '=', f.commitId || null], ['v.ci_name', '=', f.ciName || null], ['v.ci_vote', '=', f.ciVote],
    ['v.ci_in_progress', '=', f.ciInProgress], ['v.timestamp', '=', f.timestamp || null], ['v."user"', '=', f.user || null],
    ['v.component', '=', f.component || null], ...rangeFilters('v.timestamp', f.where),
  ]);
  params.push(offset, limit);
  const { rows } = await db.query(
    `SELECT v.* FROM civotes v JOIN commits c ON c.id = v.commit_id WHERE c.trunk = $1${where}
      ORDER BY v.id DESC OFFSET $${params.length - 1} LIMIT $${params.length}`, params);
  return rows;
}

export interface AggVoteFilter {
  id?: number | null;
  refHash?: string | null;
  ciName?: string | null;
  ciVote?: boolean | null;
  ciInProgress?: boolean | null;
  timestamp?: number | null;
  user?: string | null;
  where?: IntFilter | null;
  /** Only the votes on the aggregate hash voted on last. */
  lastRefHash?: boolean | null;
}

/** Rows of `civotes_agg` of the trunk, newest (by id) first. */
export async function graphqlAggVotes(db: Db, trunk: string, f: AggVoteFilter, offset: number, limit: number): Promise<Array<Record<string, unknown>>> {
  const params: unknown[] = [trunk];
  let refHash = f.refHash || null;
  if (f.lastRefHash) {
    const { rows } = await db.query<{ ref_hash: string }>('SELECT ref_hash FROM civotes_agg WHERE trunk = $1 ORDER BY timestamp DESC, id DESC LIMIT 1', [trunk]);
    if (!rows[0]) return [];
    refHash = rows[0].ref_hash;
  }
  const where = clauses(params, [
    ['id', '=', f.id], ['ref_hash', '=', refHash], ['ci_name', '=', f.ciName || null], ['ci_vote', '=', f.ciVote], ['ci_in_progress', '=', f.ciInProgress],
    ['timestamp', '=', f.timestamp || null], ['"user"', '=', f.user || null], ...rangeFilters('timestamp', f.where),
  ]);
  params.push(offset, limit);
  const { rows } = await db.query(`SELECT * FROM civotes_agg WHERE trunk = $1${where} ORDER BY id DESC OFFSET $${params.length - 1} LIMIT $${params.length}`, params);
  return rows;
}

/** packageStatus: each package's latest build (RETRY included) and latest SUCCESS build time, of the trunk. */
export async function latestBuildsOf(db: Db, trunk: string, packages: string[]): Promise<Map<string, { status: string; commitHash: string; lastSuccess: number | null }>> {
  const { rows } = await db.query<{ project_name: string; status: string; commit_hash: string; last_success: number | null }>(
    `SELECT DISTINCT ON (c.project_name) c.project_name, c.status, c.commit_hash,
            (SELECT s.dt_build FROM commits s WHERE s.trunk = $1 AND s.project_name = c.project_name AND s.status = 'SUCCESS' AND s.type = 'rpm'
              ORDER BY s.id DESC LIMIT 1) AS last_success
       FROM commits c WHERE c.trunk = $1 AND c.project_name = ANY($2) AND c.type = 'rpm' ORDER BY c.project_name, c.id DESC`,
    [trunk, packages],
  );
  return new Map(rows.map((r) => [r.project_name, { status: r.status, commitHash: r.commit_hash, lastSuccess: r.last_success }]));
}

/** The packages a trunk has built, when no package list is at hand. */
export async function builtPackages(db: Db, trunk: string): Promise<string[]> {
  const { rows } = await db.query<{ project_name: string }>('SELECT DISTINCT project_name FROM commits WHERE trunk = $1 AND project_name IS NOT NULL ORDER BY project_name', [trunk]);
  return rows.map((r) => r.project_name);
}
