/**
 * Promotion rules of the DLRN API: which label names may be written, where the
 * label link lives and what it points to, and how many promotions a query returns.
 */
import { shardedCommitDir, hasComponent, type ShardableCommit } from '../trunk/hashes';
import { DlrnApiError } from './errors';

/** Link names the builder owns (DLRN refuses them too). */
const RESERVED = new Set(['consistent', 'current']);

/**
 * Refuses (403, DLRN's message) a label the API must not write: `consistent`,
 * `current`, and any name that is not a single entry of the repo directory
 * (`..`, `a/b`, empty, over 255 bytes), which DLRN lets escape or fail with a 500.
 */
export function checkPromoteName(name: string): void {
  const escapes = name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\u0000');
  const tooLong = new TextEncoder().encode(name).length > 255;
  if (RESERVED.has(name) || escapes || tooLong) throw new DlrnApiError(403, `Invalid promote_name ${name}`);
}

/** The link name that keeps a label's former target. */
export function previousLabelName(name: string): string {
  return `previous-${name}`;
}

export interface LabelLink {
  /** Directory holding the link, relative to the trunk's repos/ (`''` or `component/<c>`). */
  baseDir: string;
  /** What the link points at, relative to baseDir. */
  target: string;
}

/**
 * Where a promotion's label link goes and what it points to: in repos/ (or
 * `component/<c>/` when the trunk uses components), a relative link to the
 * commit's sharded dir, the component prefix stripped.
 */
export function labelLink(commit: ShardableCommit, useComponents: boolean): LabelLink {
  const sharded = shardedCommitDir(commit);
  if (useComponents && hasComponent(commit.component)) {
    const prefix = `component/${commit.component}/`;
    return { baseDir: `component/${commit.component}`, target: sharded.startsWith(prefix) ? sharded.slice(prefix.length) : sharded };
  }
  if (useComponents) return { baseDir: 'component/None', target: sharded };
  return { baseDir: '', target: sharded };
}

/**
 * How many promotions a query returns: the asked limit (DLRN caps it at
 * 100), else the configured default; DLRN returns every row when no limit is given.
 */
export function promotionsLimit(asked: number | null, defaultLimit: number, maxLimit: number): number {
  return Math.min(asked ?? defaultLimit, maxLimit);
}

/** `<baseurl>/<sharded dir>`: a build's repo URL as the API reports it. */
export function repoUrl(baseurl: string, commit: ShardableCommit): string {
  return `${baseurl}/${shardedCommitDir(commit)}`;
}

/** One label move of a promote or promote-batch request, its build already found by the API. */
export interface PromoteItem {
  commitId: number;
  promoteName: string;
}

export interface PromoteRequest {
  trunk: string;
  items: PromoteItem[];
  /** The authenticated user, recorded on the promotion rows. */
  user: string | null;
  /** promote-batch: DLRN words its errors per item and writes one aggregate, for the last label. */
  batch: boolean;
}

/** DLRN's 201 body of promote and promote-batch (the last item's, for a batch). */
export interface PromoteBody {
  commit_hash: string;
  distro_hash: string;
  extended_hash: string | null;
  repo_hash: string;
  repo_url: string;
  promote_name: string;
  component: string | null;
  /** Epoch seconds; DLRN sends a float. */
  timestamp: number;
  user: string | null;
  aggregate_hash: string | null;
}

/** What the promotion workflow answers: DLRN's 201 body, or its error status and message. */
export type PromoteAnswer = { ok: true; body: PromoteBody } | { ok: false; status: number; message: string };

/** The workflow that serialises promotions of a trunk's label (or of a batch's set of labels). */
export function promoteWorkflowId(trunk: string, names: readonly string[]): string {
  return `promote-label:${trunk}:${[...new Set(names)].sort().join(',')}`;
}
