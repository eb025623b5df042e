/** Cached clones shared by discovery and builds on one host: fetches serialised per directory. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findTrunk, type Config } from '../config';
import type { TrunkPackage } from '../domain/trunk-build';
import { cancellationSignal, heartbeat } from './context';
import { git, lastCommitTouching, resolveBranch, syncClone } from './git';
import { cloneDirs } from './layout';

// git refuses two fetches into one clone at once: refreshes of a directory take turns.
const cloneLocks = new Map<string, Promise<unknown>>();

/** Clones or fetches url into dir, after any refresh of dir already under way. */
export function lockedSyncClone(url: string, dir: string, signal?: AbortSignal): Promise<void> {
  const previous = cloneLocks.get(dir) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => syncClone(url, dir, { signal }));
  cloneLocks.set(dir, next);
  void next.finally(() => {
    if (cloneLocks.get(dir) === next) cloneLocks.delete(dir);
  }).catch(() => undefined);
  return next;
}

/** Fetches only when the clone lacks the commit: discovery usually fetched it moments ago. */
export async function ensureCommit(url: string, dir: string, sha: string, signal?: AbortSignal): Promise<void> {
  if (fs.existsSync(path.join(dir, '.git'))) {
    const present = await git(dir, ['cat-file', '-e', `${sha}^{commit}`]).then(() => true, () => false);
    if (present) return;
  }
  await lockedSyncClone(url, dir, signal);
}

/**
 * Fetches a package's upstream and distgit clones and resolves the commits a
 * build of their heads would use, after DLRN's branch fallbacks: the source
 * branch's, the distgit branch's (a missing <release>-rdo falls back to
 * rpm-master, since the source-branch fallbacks apply only to the configured
 * source branch) and, for a package in a shared distgit (gitrepo), the newest
 * commit touching its own directory.
 */
export async function syncPackageHeads(config: Config, trunk: string, pkg: TrunkPackage) {
  const t = findTrunk(config, trunk);
  const dirs = cloneDirs(config, trunk, pkg.name);
  const signal = cancellationSignal();
  heartbeat(`fetching ${pkg.upstream}`);
  await lockedSyncClone(pkg.upstream, dirs.upstream, signal);
  heartbeat(`fetching ${pkg.distgit}`);
  await lockedSyncClone(pkg.distgit, dirs.distgit, signal);
  const fallback = { fallbackToMaster: t.fallbackToMaster, nonfallbackBranches: t.nonfallbackBranches, source: t.sourceBranch };
  const source = await resolveBranch(dirs.upstream, pkg.sourceBranch, fallback);
  const distgitBranch = await resolveBranch(dirs.distgit, pkg.distroBranch, fallback);
  const distgit = pkg.distgitPath
    ? await lastCommitTouching(dirs.distgit, distgitBranch.ref, pkg.distgitPath)
    : { sha: distgitBranch.sha, ctime: distgitBranch.ctime };
  return { t, dirs, source, distgitBranch, distgit };
}
