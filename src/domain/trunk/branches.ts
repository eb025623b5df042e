/**
 * DLRN's branch fallback (`repositories.refreshrepo`) as a pure plan: the
 * ordered refs to try when checking out a source or distgit branch.
 */
import type { PackageInfo } from './types';

/** How a candidate ref has to be probed before checking it out. */
export type RefKind =
  /** The requested branch itself (`git checkout -f <ref>`). */
  | 'requested'
  /** Only if `origin/<ref>` is listed by `git branch --list --remote`. */
  | 'remote-branch'
  /** Only if `git tag -l <ref>` lists it. */
  | 'tag'
  /** Only if a *local* branch of that name exists (`git branch --list <ref>`). */
  | 'local-branch'
  /** Used unconditionally once reached (distgit `rpm-master`). */
  | 'branch';

export interface RefCandidate {
  ref: string;
  kind: RefKind;
  /**
   * What to `git reset --hard` to after checkout, in order: `origin/<ref>`
   * first, then the bare ref (a tag has no origin/ counterpart).
   */
  resetTo: string[];
}

export interface BranchFallbackConfig {
  /** projects.ini `source`: only this branch gets the unmaintained/eol/master fallback. */
  source: string;
  /** projects.ini `fallback_to_master` (default true). */
  fallbackToMaster?: boolean;
  /**
   * projects.ini `nonfallback_branches` (default `['^master$', '^rpm-master$']`):
   * Python regexes matched with `re.match`, i.e. anchored at the start only.
   */
  nonfallbackBranches?: readonly string[];
}

export const DEFAULT_NONFALLBACK_BRANCHES: readonly string[] = ['^master$', '^rpm-master$'];

export interface BranchFallbackPlan {
  /** Refs in the order DLRN tries them; the first that exists wins. */
  candidates: RefCandidate[];
  /** Why the list stops after the requested branch, if it does. */
  blockedBy:
    | null
    | { reason: 'nonfallback-branch'; pattern: string }
    | { reason: 'fallback-disabled' }
    | { reason: 'not-default-branch' };
}

function candidate(ref: string, kind: RefKind): RefCandidate {
  return { ref, kind, resetTo: [`origin/${ref}`, ref] };
}

/** `re.match(pattern, branch)`: the pattern must match at position 0. */
export function matchesNonfallback(branch: string, patterns: readonly string[]): string | null {
  for (const p of patterns) {
    if (new RegExp(`^(?:${p})`).test(branch)) return p;
  }
  return null;
}

/**
 * The refs DLRN tries for `requested`, in order:
 *
 * 1. `requested` itself.
 * 2. If it fails and matches a `nonfallback_branches` regex: nothing else.
 * 3. If `requested` is the configured `source` branch:
 *    `unmaintained/...` (every `stable/` replaced, remote branch must exist),
 *    then the `<release>-eol` tag (`stable/` removed, `-eol` appended), then —
 *    only with `fallback_to_master` — local `master`, then local `main`.
 *    The unmaintained/eol steps do not depend on `fallback_to_master`.
 * 4. Else if it ends with `-rdo` (a distgit branch): `rpm-master`, only with
 *    `fallback_to_master`.
 * 5. Anything else: no fallback (DLRN raises).
 *
 * The ref that wins is what DLRN records as `commit_branch`.
 */
export function branchFallbackPlan(requested: string, config: BranchFallbackConfig): BranchFallbackPlan {
  if (!requested) throw new Error('requested branch must not be empty');
  const candidates: RefCandidate[] = [candidate(requested, 'requested')];
  const fallbackToMaster = config.fallbackToMaster ?? true;
  const blocking = matchesNonfallback(requested, config.nonfallbackBranches ?? DEFAULT_NONFALLBACK_BRANCHES);
  if (blocking !== null) {
    return { candidates, blockedBy: { reason: 'nonfallback-branch', pattern: blocking } };
  }
  if (requested === config.source) {
    const unmaintained = requested.split('stable/').join('unmaintained/');
    if (unmaintained !== requested) candidates.push(candidate(unmaintained, 'remote-branch'));
    candidates.push(candidate(`${requested.split('stable/').join('')}-eol`, 'tag'));
    if (!fallbackToMaster) return { candidates, blockedBy: { reason: 'fallback-disabled' } };
    candidates.push(candidate('master', 'local-branch'), candidate('main', 'local-branch'));
    return { candidates, blockedBy: null };
  }
  if (requested.endsWith('-rdo')) {
    if (!fallbackToMaster) return { candidates, blockedBy: { reason: 'fallback-disabled' } };
    candidates.push(candidate('rpm-master', 'branch'));
    return { candidates, blockedBy: null };
  }
  return { candidates, blockedBy: { reason: 'not-default-branch' } };
}

/**
 * Given which refs exist in the clone, the one DLRN ends up on, or null when
 * it would raise. `exists(candidate)` answers the probe for that kind.
 */
export function resolveBranch(
  requested: string,
  config: BranchFallbackConfig,
  exists: (c: RefCandidate) => boolean,
): RefCandidate | null {
  for (const c of branchFallbackPlan(requested, config).candidates) {
    if (c.kind === 'branch' || exists(c)) return c;
  }
  return null;
}

/** DLRN `getsourcebranch`: the package's `source-branch`, else the default. */
export function sourceBranchFor(pkg: Pick<PackageInfo, 'source-branch'>, defaultBranch: string): string {
  return pkg['source-branch'] ?? defaultBranch;
}

/** DLRN `getdistrobranch`: the package's `distro-branch`, else the default. */
export function distroBranchFor(pkg: Pick<PackageInfo, 'distro-branch'>, defaultBranch: string): string {
  return pkg['distro-branch'] ?? defaultBranch;
}
