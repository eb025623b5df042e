/**
 * DLRN's /api/graphql schema (dlrn/api/graphql.py, graphene with
 * graphene-sqlalchemy): the query fields, their arguments and limits, the
 * relay global ids, and packageStatus's rule.
 */
import { DlrnApiError } from './errors';

/** The schema as graphene publishes it (columns camelCased, relay Node ids). */
export const DLRN_GRAPHQL_SCHEMA = `
interface Node { id: ID! }
scalar DateTime
type Commit implements Node {
  id: ID!
  type: String
  dtCommit: Int
  dtDistro: Int
  dtExtended: Int
  dtBuild: Int
  projectName: String
  repoDir: String
  distgitDir: String
  commitHash: String
  distroHash: String
  extendedHash: String
  commitBranch: String
  status: String
  component: String
  artifacts: String
  notes: String
  flags: Int
  versionsCsv: String
}
type CIVote implements Node {
  id: ID!
  commitId: Int
  ciName: String
  ciUrl: String
  ciVote: Boolean
  ciInProgress: Boolean
  timestamp: Int
  notes: String
  user: String
  component: String
  commit: Commit
}
type CIVoteAgg implements Node {
  id: ID!
  refHash: String
  ciName: String
  ciUrl: String
  ciVote: Boolean
  ciInProgress: Boolean
  timestamp: Int
  notes: String
  user: String
}
type PackageStatus {
  id: ID!
  projectName: String!
  status: String!
  lastSuccess: DateTime
  firstFailureCommit: String
}
input IntFilter { gt: Int gte: Int lt: Int lte: Int eq: Int }
input CIVoteWhere { timestamp: IntFilter }
input CIVoteAggWhere { timestamp: IntFilter }
type Query {
  node(id: ID!): Node
  commits(projectName: String, component: String, status: String, offset: Int, limit: Int, commitHash: String, distroHash: String, extendedHash: String): [Commit]
  civote(commitId: Int, ciName: String, ciVote: Boolean, ciInProgress: Boolean, timestamp: Int, user: String, component: String, offset: Int, limit: Int, where: CIVoteWhere): [CIVote]
  civoteAgg(refHash: String, ciName: String, ciVote: Boolean, ciInProgress: Boolean, timestamp: Int, user: String, offset: Int, limit: Int, lastRefHash: Boolean, where: CIVoteAggWhere): [CIVoteAgg]
  packageStatus(projectName: String, status: String): [PackageStatus]
}
`;

/** DLRN's page size and its maximum. */
export const GRAPHQL_PAGE = 100;

/** offset and limit of a list query: limit defaults to 100 and is capped there; negatives are refused (SQLite reads -1 as "no limit"). */
export function graphqlPage(args: { offset?: number | null; limit?: number | null }): { offset: number; limit: number } {
  const offset = args.offset ?? 0;
  const limit = Math.min(args.limit ?? GRAPHQL_PAGE, GRAPHQL_PAGE);
  if (offset < 0 || limit < 0) throw new DlrnApiError(400, 'offset and limit must not be negative');
  return { offset, limit };
}

/** graphene's relay global id: base64 of `<Type>:<id>`. */
export function globalId(type: string, id: number): string {
  return btoa(`${type}:${id}`);
}

/** The type and row id of a relay global id, or null when it is not one of ours. */
export function parseGlobalId(id: string): { type: 'Commit' | 'CIVote' | 'CIVoteAgg'; id: number } | null {
  let text: string;
  try {
    text = atob(id);
  } catch {
    return null;
  }
  const m = /^(Commit|CIVote|CIVoteAgg):(\d{1,9})$/.exec(text);
  return m ? { type: m[1] as 'Commit' | 'CIVote' | 'CIVoteAgg', id: Number(m[2]) } : null;
}

/** civoteAgg refuses lastRefHash with a hash or time filter, in DLRN's words. */
export function checkAggArgs(args: { refHash?: string | null; timestamp?: number | null; where?: { timestamp?: unknown } | null; lastRefHash?: boolean | null }): void {
  if ((args.refHash || args.timestamp || args.where?.timestamp) && args.lastRefHash) {
    throw new DlrnApiError(400, 'refHash/timestamp/where.timestamp and last_ref_hash cannot be provided in the same query');
  }
}

export interface PackageStatusLine {
  id: number;
  projectName: string;
  status: string;
  lastSuccess?: string;
  firstFailureCommit?: string;
}

/** A UTC time as graphene's DateTime writes a naive datetime: `YYYY-MM-DDTHH:MM:SS`. */
function naiveIso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 19);
}

/**
 * packageStatus: per package, NO_BUILD, SUCCESS, or FAILED (a RETRY counts as
 * failed) with the last success time (the epoch when none) and the failing
 * commit; `status` filters on the latest build's status. Ids count every package.
 */
export function packageStatusLines(packages: readonly string[], latest: ReadonlyMap<string, { status: string; commitHash: string; lastSuccess: number | null }>, status: string | null): PackageStatusLine[] {
  const out: PackageStatusLine[] = [];
  packages.forEach((name, id) => {
    const last = latest.get(name);
    if (!last) {
      if (!status || status === 'NO_BUILD') out.push({ id, projectName: name, status: 'NO_BUILD' });
    } else if (last.status === 'SUCCESS') {
      if (!status || status === 'SUCCESS') out.push({ id, projectName: name, status: 'SUCCESS' });
    } else if (!status || status === last.status) {
      out.push({ id, projectName: name, status: 'FAILED', lastSuccess: naiveIso(last.lastSuccess ?? 0), firstFailureCommit: last.commitHash });
    }
  });
  return out;
}
