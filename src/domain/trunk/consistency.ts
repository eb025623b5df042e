/**
 * DLRN's `failures` count (from `post_build_rpm`) and the decision to move the
 * `current` / `consistent` symlinks (from `process_build_result_rpm`).
 */
import type { CommitRow, PackageInfo } from './types';

/**
 * Latest row of a project and type (highest id), optionally only with
 * `status`. Without a status filter RETRY rows count (DLRN `getCommits`).
 */
export function latestRow(
  rows: readonly CommitRow[],
  projectName: string,
  opts: { type?: string; status?: string } = {},
): CommitRow | null {
  const type = opts.type ?? 'rpm';
  let best: CommitRow | null = null;
  for (const r of rows) {
    if (r.projectName !== projectName || r.type !== type) continue;
    if (opts.status !== undefined && r.status !== opts.status) continue;
    if (best === null || r.id > best.id) best = r;
  }
  return best;
}

/**
 * {@link latestRow} for every project at once: one pass over the rows, so
 * callers looping over a thousand packages stay linear.
 */
export function latestRowByProject(
  rows: readonly CommitRow[],
  opts: { type?: string; status?: string } = {},
): Map<string, CommitRow> {
  const type = opts.type ?? 'rpm';
  const best = new Map<string, CommitRow>();
  for (const r of rows) {
    if (r.type !== type) continue;
    if (opts.status !== undefined && r.status !== opts.status) continue;
    const current = best.get(r.projectName);
    if (current === undefined || r.id > current.id) best.set(r.projectName, r);
  }
  return best;
}

/**
 * Latest status per project, RETRY included (highest id of `type`). Projects
 * with no row are absent from the map.
 */
export function latestStatusByPackage(rows: readonly CommitRow[], type = 'rpm'): Map<string, string> {
  const best = new Map<string, CommitRow>();
  for (const r of rows) {
    if (r.type !== type) continue;
    const cur = best.get(r.projectName);
    if (!cur || r.id > cur.id) best.set(r.projectName, r);
  }
  return new Map([...best].map(([k, v]) => [k, v.status]));
}

/**
 * Whether DLRN's post-build loop looks at `pkg` for a build of
 * `builtComponent`: with `use_components`, packages that HAVE a component
 * key with a different value are skipped; packages without the key are
 * counted for every component.
 */
export function inComponentScope(
  pkg: Pick<PackageInfo, 'component'>,
  builtComponent: string | null | undefined,
  useComponents: boolean,
): boolean {
  if (!useComponents) return true;
  if (!('component' in pkg) || pkg.component === undefined) return true;
  return (pkg.component ?? null) === (builtComponent ?? null);
}

export type FailureKind = 'FAILED' | 'RETRY' | 'NEVER_BUILT' | 'OTHER';

export interface PackageFailure {
  name: string;
  kind: FailureKind;
  /** The latest status seen (null when never built). */
  status: string | null;
}

export interface FailuresInput {
  /** Every package of the release (rdoinfo list), in any order. */
  packages: ReadonlyArray<Pick<PackageInfo, 'name' | 'component'>>;
  /** The package whose successful build is being post-processed. */
  built: { name: string; component?: string | null };
  /** Latest status per package name, RETRY included; absent = never built. */
  latestStatus: ReadonlyMap<string, string> | Readonly<Record<string, string | undefined>>;
  useComponents?: boolean;
}

export interface FailuresResult {
  failures: number;
  failing: PackageFailure[];
}

function lookup(m: FailuresInput['latestStatus'], name: string): string | undefined {
  if (m instanceof Map) return m.get(name);
  const rec = m as Readonly<Record<string, string | undefined>>;
  return Object.prototype.hasOwnProperty.call(rec, name) ? rec[name] : undefined;
}

/**
 * DLRN's `failures` after a successful build: every other in-scope package
 * whose latest row (RETRY included) is not SUCCESS, plus every in-scope
 * package never built. The package just built always counts as good.
 */
export function computeFailures(input: FailuresInput): FailuresResult {
  const useComponents = input.useComponents ?? false;
  const failing: PackageFailure[] = [];
  for (const pkg of input.packages) {
    if (!inComponentScope(pkg, input.built.component, useComponents)) continue;
    if (pkg.name === input.built.name) continue;
    const status = lookup(input.latestStatus, pkg.name);
    if (status === undefined) {
      failing.push({ name: pkg.name, kind: 'NEVER_BUILT', status: null });
    } else if (status !== 'SUCCESS') {
      const kind: FailureKind = status === 'FAILED' || status === 'RETRY' ? status : 'OTHER';
      failing.push({ name: pkg.name, kind, status });
    }
  }
  return { failures: failing.length, failing };
}

export interface SymlinkDecisionInput {
  /** The build raised no exception (rpms built and installed). */
  buildSucceeded: boolean;
  /** From {@link computeFailures}; ignored when the build failed. */
  failures: number;
  /** `rsync.sync_repo` succeeded (or no rsyncdest). */
  syncSucceeded?: boolean;
  /** `--dev` runs never record the `consistent` CI vote. */
  devMode?: boolean;
}

export interface SymlinkDecision {
  moveCurrent: boolean;
  moveConsistent: boolean;
  /** Insert `CIVote(ci_name='consistent', ci_vote=True, timestamp=dt_build)`. */
  recordConsistentVote: boolean;
  /** Final status of the row (a failed sync turns SUCCESS into FAILED). */
  status: 'SUCCESS' | 'FAILED' | null;
  reason: string;
}

/**
 * Which symlinks move after a build. `current` moves after every build that
 * raised no exception, even when the repo sync then failed; `consistent`
 * moves only when additionally `failures == 0` and the sync succeeded.
 */
export function symlinkDecision(input: SymlinkDecisionInput): SymlinkDecision {
  if (!input.buildSucceeded) {
    return {
      moveCurrent: false,
      moveConsistent: false,
      recordConsistentVote: false,
      status: null,
      reason: 'build failed: no symlink moves',
    };
  }
  const synced = input.syncSucceeded ?? true;
  if (!synced) {
    return {
      moveCurrent: true,
      moveConsistent: false,
      recordConsistentVote: false,
      status: 'FAILED',
      reason: 'repo sync failed: build marked FAILED, current still moves, consistent does not',
    };
  }
  if (input.failures > 0) {
    return {
      moveCurrent: true,
      moveConsistent: false,
      recordConsistentVote: false,
      status: 'SUCCESS',
      reason: `${input.failures} packages not built correctly: not updating the consistent symlink`,
    };
  }
  return {
    moveCurrent: true,
    moveConsistent: true,
    recordConsistentVote: !(input.devMode ?? false),
    status: 'SUCCESS',
    reason: 'all packages built: current and consistent move',
  };
}
