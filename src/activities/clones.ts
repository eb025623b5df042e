/** Cached clones shared by discovery and builds on one host: fetches serialised per directory. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { git, syncClone } from './git';

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
