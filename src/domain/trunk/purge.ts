/**
 * DLRN's purge (`dlrn-purge --older-than N`) as a pure rule: which old builds
 * lose their repo dir and get the purged flag, and which are kept (the
 * newest success of each package, and whatever a label points at).
 */

/** DLRN's `FLAG_PURGED` bit of `commits.flags`. */
export const FLAG_PURGED = 0x2;

/** A build row older than the cut-off, not purged yet, with the facts the rule needs. */
export interface PurgeCandidate {
  id: number;
  projectName: string;
  commitHash: string;
  status: string;
  dtBuild: number;
  /** Its repo dir relative to the trunk's repos/ (`shardedCommitDir`). */
  repoDir: string;
  /** Some SUCCESS row of the same package was built later (DLRN: `getCommits(since=dt_build, with_status=SUCCESS)`). */
  newerSuccess: boolean;
  /** Some SUCCESS row of the same package has the same commit hash, hence maybe the same repo dir. */
  successWithSameHash: boolean;
}

export interface PurgeInput {
  /** Newest first (highest id first), as DLRN walks them. */
  candidates: readonly PurgeCandidate[];
  /** Repo dirs a label (`current`, `consistent`, a promotion) points at, or whose RPMs such a repo links. */
  protectedDirs: ReadonlySet<string>;
  /** Rows a promotion names (the newest of each promotion name). */
  protectedIds: ReadonlySet<number>;
}

export type PurgeReason = 'newest success of its package' | 'a label points at it';

export interface PurgeDecision {
  id: number;
  projectName: string;
  repoDir: string;
  /** purge: flagged purged; removeDir says whether its repo dir goes too. */
  action: 'purge' | 'keep';
  removeDir: boolean;
  reason?: PurgeReason;
}

/**
 * DLRN's walk, newest first: a package's newest success is kept; older
 * successes lose their dir; a FAILED or RETRY row loses its dir unless a
 * SUCCESS of the same commit may share it; every purged row is flagged.
 * trunkflow also keeps every row whose dir a label points at (or links
 * RPMs from), so `current`, `consistent` and promoted repos stay whole.
 */
export function planPurge(input: PurgeInput): PurgeDecision[] {
  const out: PurgeDecision[] = [];
  for (const c of input.candidates) {
    const base = { id: c.id, projectName: c.projectName, repoDir: c.repoDir };
    if (input.protectedIds.has(c.id) || input.protectedDirs.has(c.repoDir)) {
      out.push({ ...base, action: 'keep', removeDir: false, reason: 'a label points at it' });
      continue;
    }
    if (c.status === 'SUCCESS') {
      if (!c.newerSuccess) {
        out.push({ ...base, action: 'keep', removeDir: false, reason: 'newest success of its package' });
        continue;
      }
      out.push({ ...base, action: 'purge', removeDir: true });
      continue;
    }
    out.push({ ...base, action: 'purge', removeDir: !c.successWithSameHash });
  }
  // A dir a kept row still uses stays, whichever row shares it.
  const keptDirs = new Set(out.filter((d) => d.action === 'keep').map((d) => d.repoDir));
  return out.map((d) => (d.removeDir && keptDirs.has(d.repoDir) ? { ...d, removeDir: false } : d));
}

/** What a purge run is asked (the Schedule's and the CLI's input). */
export interface PurgeRequest {
  trunk: string;
  /** List what would go; change nothing. */
  dryRun: boolean;
  /** Overrides the trunk's `purge.keepDays`. */
  keepDays?: number;
}

/** What a purge did, or would do in a dry run. */
export interface PurgeReport {
  trunk: string;
  dryRun: boolean;
  keepDays: number;
  /** Builds before this (epoch seconds) were considered. */
  cutoff: number;
  /** Rows flagged purged (or that would be), with whether their repo dir goes. */
  purged: Array<Pick<PurgeDecision, 'id' | 'projectName' | 'repoDir' | 'removeDir'>>;
  /** Old rows kept, and why. */
  kept: Array<Pick<PurgeDecision, 'id' | 'projectName' | 'repoDir' | 'reason'>>;
  /** The labels whose repos were protected, with the dir each points at. */
  labels: Record<string, string>;
}

/** The cut-off of a purge keeping `keepDays` days, in epoch seconds. */
export function purgeCutoff(nowEpoch: number, keepDays: number): number {
  if (!Number.isFinite(keepDays) || keepDays < 0) throw new Error(`purge: keepDays must be a number of days >= 0, got ${keepDays}`);
  return Math.floor(nowEpoch - keepDays * 86400);
}

/**
 * The repo dir (relative to repos/) that a path under repos/ lies in: the
 * sharded `<ab>/<cd>/<commit>_<distro8>[...]` part, with its optional
 * `component/<c>/` prefix; null for anything else (a report, the top dir).
 */
export function repoDirOf(relativePath: string): string | null {
  const parts = relativePath.split('/').filter((p) => p !== '' && p !== '.');
  const start = parts[0] === 'component' ? 2 : 0;
  const [ab, cd, dir] = parts.slice(start, start + 3);
  if (!ab || !cd || !dir || ab.length !== 2 || cd.length !== 2 || !dir.startsWith(ab + cd) || !dir.includes('_')) return null;
  return parts.slice(0, start + 3).join('/');
}
