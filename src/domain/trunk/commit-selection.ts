/**
 * Which source commits of a package need a build: DLRN's `getinfo` +
 * `_add_commits`, and the recheck rule. Pure: callers pass DB rows and the git
 * output in, and get decisions (plus the exact git arguments) out.
 */
import type { CommitRow } from './types';

/** One line of `git log --pretty='%ct %H'`, oldest first. */
export interface GitCandidate {
  /** Committer time, epoch seconds. */
  ctime: number;
  sha: string;
}

/** The distgit checkout the candidates are paired with. */
export interface DistgitHead {
  hash: string;
  /** Committer time of the distgit HEAD, epoch seconds (DLRN `dt_distro`). */
  time: number;
}

/** A commit ready to be built (the fields DLRN fills in `getinfo`). */
export interface CandidateCommit {
  projectName: string;
  type: string;
  commitHash: string;
  distroHash: string;
  extendedHash: string | null;
  dtCommit: number;
  dtDistro: number;
  dtExtended: number;
  commitBranch: string;
  component: string | null;
}

/** Why a git-log plan was chosen. */
export type GitLogPlanReason =
  /** No non-RETRY row at all: HEAD only. */
  | 'never-built'
  /** Last processed row is on the current branch: everything since it (inclusive). */
  | 'same-branch'
  /** Branch switched, and an older build exists on the new branch: since that one, HEAD only. */
  | 'branch-changed-built-before'
  /** Branch switched and nothing was ever built on the new branch: HEAD only. */
  | 'branch-changed-never-built';

export interface GitLogPlan {
  reason: GitLogPlanReason;
  /** The `since` argument DLRN passes to git log: `-1` or `--after=<epoch>`. */
  since: string;
  /** `--after` bound (inclusive: git keeps commits with ctime >= bound), or null for HEAD only. */
  after: number | null;
  /** When true only the newest candidate survives (`del project_toprocess[:-1]`). */
  headOnly: boolean;
  /** Row the bound came from, if any. */
  boundRowId: number | null;
  /** Full `git` argument list (no shell quoting needed). */
  gitArgs: string[];
}

export interface PlanGitLogOptions {
  /** The package's configured source branch (`source-branch`, else projects.ini `source`). */
  sourceBranch: string;
  /** What git logs: the ref the configured branch resolved to (after any fallback). */
  ref: string;
  type?: string;
  /** Global `--head-only`. */
  headOnly?: boolean;
  /** Package `build-tags-only`: only tagged commits are candidates. */
  tagsOnly?: boolean;
}

function isProcessed(row: CommitRow, type: string): boolean {
  return row.type === type && row.status !== 'RETRY';
}

/**
 * DLRN `getLastProcessedCommit`: the row with the highest `id` whose type
 * matches and whose status is not RETRY (RETRY rows are "to be done again").
 */
export function lastProcessedCommit(rows: readonly CommitRow[], type = 'rpm'): CommitRow | null {
  let best: CommitRow | null = null;
  for (const row of rows) {
    if (isProcessed(row, type) && (best === null || row.id > best.id)) best = row;
  }
  return best;
}

/**
 * DLRN `getLastBuiltCommit`: non-RETRY row of `type` on `branch`, newest by
 * `dt_build` (NULLs last, as SQL sorts them in DESC), ties by highest id.
 */
export function lastBuiltCommitOnBranch(rows: readonly CommitRow[], branch: string, type = 'rpm'): CommitRow | null {
  let best: CommitRow | null = null;
  const key = (r: CommitRow): number => (r.dtBuild === null || r.dtBuild === undefined ? -Infinity : r.dtBuild);
  for (const row of rows) {
    if (!isProcessed(row, type) || row.commitBranch !== branch) continue;
    if (best === null || key(row) > key(best) || (key(row) === key(best) && row.id > best.id)) best = row;
  }
  return best;
}

/**
 * The `since` argument for commits at or after an epoch bound (git's --after
 * is inclusive). `@<secs> +0000` is git's raw date form: read as epoch seconds
 * whatever the number's length, where DLRN's bare number under 9 digits would
 * be taken for a day or a year.
 */
export function afterBound(epochSeconds: number): string {
  return `--after=@${Math.trunc(epochSeconds)} +0000`;
}

/** The git log arguments DLRN's drivers run for a given `since`, on `ref` (the resolved branch or tag). */
export function gitLogArgs(since: string, opts: { tagsOnly?: boolean; ref: string }): string[] {
  if (opts.tagsOnly) {
    // HEAD is listed by --simplify-by-decoration too, so "-1" becomes "-2".
    const tagSince = since === '-1' ? '-2' : since;
    return ['log', '--simplify-by-decoration', '--pretty=format:%ct %H %d', tagSince, '--first-parent', '--reverse', opts.ref, '--'];
  }
  return ['log', '--pretty=format:%ct %H', since, '--first-parent', '--reverse', opts.ref, '--'];
}

/**
 * DLRN `getinfo`'s choice of git-log range for one package.
 *
 * The branch comparison is against the *configured* source branch, while rows
 * store the branch actually checked out; a package that fell back (e.g.
 * `stable/x` → `master`) therefore always takes a branch-changed path (HEAD only).
 */
export function planGitLog(rows: readonly CommitRow[], opts: PlanGitLogOptions): GitLogPlan {
  const type = opts.type ?? 'rpm';
  const plan = (reason: GitLogPlanReason, bound: CommitRow | null, headOnly: boolean): GitLogPlan => {
    const after = bound ? Math.trunc(bound.dtCommit) : null;
    const since = after === null ? '-1' : afterBound(after);
    return {
      reason,
      since,
      after,
      headOnly: headOnly || after === null,
      boundRowId: bound ? bound.id : null,
      gitArgs: gitLogArgs(since, { tagsOnly: opts.tagsOnly, ref: opts.ref }),
    };
  };
  const last = lastProcessedCommit(rows, type);
  if (!last) return plan('never-built', null, true);
  if (last.commitBranch === opts.sourceBranch) return plan('same-branch', last, opts.headOnly ?? false);
  const onBranch = lastBuiltCommitOnBranch(rows, opts.sourceBranch, type);
  if (onBranch) return plan('branch-changed-built-before', onBranch, true);
  return plan('branch-changed-never-built', null, true);
}

/**
 * Parse `git log` output of {@link gitLogArgs} into candidates (oldest first,
 * as `--reverse` prints them). Tolerates DLRN's quoted format (`'%ct %H'`).
 * With `tagsOnly`, keeps only decorated lines that carry a `tag: `.
 */
export function parseGitLog(output: string, opts: { tagsOnly?: boolean } = {}): GitCandidate[] {
  const out: GitCandidate[] = [];
  for (const raw of output.split(/\r?\n/)) {
    if (opts.tagsOnly && !raw.includes('tag: ')) continue;
    const line = raw.trim().replace(/^'+|'+$/g, '');
    if (line === '') continue;
    const [ct, sha] = line.split(' ');
    const ctime = Number(ct);
    if (!Number.isFinite(ctime) || !sha) {
      throw new Error(`unparseable git log line: ${JSON.stringify(raw)}`);
    }
    out.push({ ctime, sha });
  }
  return out;
}

export type SkipReason =
  /** Dropped by the head-only trim (never built / branch changed / --head-only). */
  | 'not-head'
  /** A non-RETRY row has the same commit, distro and extended hash and type. */
  | 'same-hashes-built'
  /** A non-RETRY row has the same dt_commit, distro and extended hash and type. */
  | 'same-commit-time-built';

export interface SkippedCandidate {
  commit: CandidateCommit;
  reason: SkipReason;
  /** The row that caused the skip (dedupe reasons only). */
  matchedRowId: number | null;
}

export interface NewCommitsInput {
  projectName: string;
  plan: Pick<GitLogPlan, 'headOnly'>;
  /** Output of the planned git log, oldest first. */
  candidates: readonly GitCandidate[];
  distgit: DistgitHead;
  /**
   * Rows to dedupe against. DLRN's query is NOT filtered by project, so pass
   * every row that could share a distro hash (a shared distgit such as
   * openstack/rpm-packaging makes this matter).
   */
  rows: readonly CommitRow[];
  /** Branch actually checked out (after fallback); stored as `commit_branch`. */
  commitBranch: string;
  type?: string;
  /** Only set when `use_components` is on and the package has a component. */
  component?: string | null;
  extendedHash?: string | null;
  dtExtended?: number;
  /** `--dev` / `--run`: DLRN skips the dedupe entirely. */
  bypassDedupe?: boolean;
}

export interface NewCommitsResult {
  toBuild: CandidateCommit[];
  skipped: SkippedCandidate[];
}

/**
 * DLRN `getinfo` (head-only trim) + `_add_commits` (dedupe).
 *
 * A candidate is dropped when any non-RETRY row of the same type has
 * (commit_hash, distro_hash, extended_hash) equal to it, or
 * (dt_commit, distro_hash, extended_hash) equal to it. The second rule stops
 * rebuilding an older commit that shares its commit time with one already
 * built (the inclusive `--after` bound re-lists the last built commit every
 * run). A new distgit commit (new distro_hash) defeats both rules, so the same
 * source commit gets rebuilt. Candidates are not deduped against each other.
 */
export function newCommitsToBuild(input: NewCommitsInput): NewCommitsResult {
  const type = input.type ?? 'rpm';
  const extendedHash = input.extendedHash ?? null;
  const all: CandidateCommit[] = input.candidates.map((c) => ({
    projectName: input.projectName,
    type,
    commitHash: c.sha,
    distroHash: input.distgit.hash,
    extendedHash,
    dtCommit: c.ctime,
    dtDistro: input.distgit.time,
    dtExtended: input.dtExtended ?? 0,
    commitBranch: input.commitBranch,
    component: input.component ?? null,
  }));
  const skipped: SkippedCandidate[] = [];
  let kept = all;
  if (input.plan.headOnly && all.length > 1) {
    kept = all.slice(-1);
    for (const c of all.slice(0, -1)) skipped.push({ commit: c, reason: 'not-head', matchedRowId: null });
  }
  if (input.bypassDedupe) return { toBuild: kept, skipped };

  const processed = input.rows.filter((r) => r.type === type && r.status !== 'RETRY');
  const toBuild: CandidateCommit[] = [];
  for (const c of kept) {
    const sameTail = (r: CommitRow): boolean =>
      r.distroHash === c.distroHash && (r.extendedHash ?? null) === c.extendedHash;
    const byHash = processed.find((r) => sameTail(r) && r.commitHash === c.commitHash);
    if (byHash) {
      skipped.push({ commit: c, reason: 'same-hashes-built', matchedRowId: byHash.id });
      continue;
    }
    const byTime = processed.find((r) => sameTail(r) && r.dtCommit === c.dtCommit);
    if (byTime) {
      skipped.push({ commit: c, reason: 'same-commit-time-built', matchedRowId: byTime.id });
      continue;
    }
    toBuild.push(c);
  }
  return { toBuild, skipped };
}

/**
 * DLRN's default global build order: by `dt_commit` ascending, stable for
 * equal times (Python's `list.sort()` with `Commit.__lt__`).
 */
export function orderForBuild<T extends { dtCommit: number }>(commits: readonly T[]): T[] {
  return commits
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.dtCommit - b.c.dtCommit || a.i - b.i)
    .map(({ c }) => c);
}

export type RecheckDecision =
  | {
      recheck: true;
      /** The row DLRN deletes so the next run builds the commit again. */
      deleteRowId: number;
      reason: 'failed' | 'forced-success';
      explanation: string;
    }
  | {
      recheck: false;
      reason: 'no-commits' | 'success' | 'unexpected-status';
      /** Status the DLRN API answers with. */
      httpStatus: 400 | 409 | 500;
      explanation: string;
    };

export interface RecheckOptions {
  type?: string;
  /**
   * CLI `--force-recheck` *and* projects.ini `allow_force_rechecks`: allows
   * rechecking a SUCCESS. The API never forces.
   */
  force?: boolean;
  /** Named in the answer when the package has no rows at all. */
  packageName?: string;
}

/**
 * DLRN's recheck rule (`/api/recheck_package` and `dlrn --recheck`): look at
 * the latest non-RETRY rpm row (highest id). Only a FAILED one is rechecked,
 * by deleting it (setting RETRY would not work past maxretries). A SUCCESS is
 * refused unless forced. RETRY rows are invisible here: they will be retried
 * anyway, so a package whose only rows are RETRY has "no commits".
 */
export function shouldRecheck(rows: readonly CommitRow[], opts: RecheckOptions = {}): RecheckDecision {
  const last = lastProcessedCommit(rows, opts.type ?? 'rpm');
  const pkg = last?.projectName ?? rows[0]?.projectName ?? opts.packageName ?? 'package';
  if (!last) {
    return {
      recheck: false,
      reason: 'no-commits',
      httpStatus: 400,
      explanation:
        `Error while rechecking ${pkg}. There are no existing commits or the commit ` +
        'to be rechecked is already marked as RETRY.',
    };
  }
  if (last.status === 'FAILED') {
    return {
      recheck: true,
      deleteRowId: last.id,
      reason: 'failed',
      explanation: `latest processed build ${last.id} of ${pkg} FAILED; deleting it makes the next run rebuild it`,
    };
  }
  if (last.status === 'SUCCESS') {
    if (opts.force) {
      return {
        recheck: true,
        deleteRowId: last.id,
        reason: 'forced-success',
        explanation: `forced recheck of successful build ${last.id} of ${pkg}`,
      };
    }
    return {
      recheck: false,
      reason: 'success',
      httpStatus: 409,
      explanation: `Error while rechecking ${pkg}. It's not possible to recheck a successful commit`,
    };
  }
  return {
    recheck: false,
    reason: 'unexpected-status',
    httpStatus: 500,
    explanation: `latest processed build ${last.id} of ${pkg} has unexpected status ${JSON.stringify(last.status)}`,
  };
}
