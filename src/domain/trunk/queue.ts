/**
 * The trunk's build queue as data and pure functions: which builds are known
 * (deduplication), which start next (DLRN's commit order, one build per package
 * at a time, within the in-flight limit), and what a finished build or a
 * recheck releases. The trunk workflow keeps one BuildQueue and calls these.
 */
import { buildKey, type BuildOutcome, type BuildRequest } from '../trunk-build';
import { orderForBuild } from './commit-selection';

/** Carried across continue-as-new as it is: plain JSON, field names kept stable for recorded histories. */
export interface BuildQueue {
  /** Waiting builds, in DLRN's global build order (dt_commit ascending, stable). */
  queue: BuildRequest[];
  /** Package name -> build key, from its start until its post-build is done (one at a time per package). */
  running: Record<string, string>;
  /** Build keys still building: these hold the trunk's in-flight places (post-build does not). */
  building: string[];
  /** Builds that finished building, waiting for their post-build, oldest first. */
  finished: BuildOutcome[];
  /** Keys of recently post-built builds, oldest first, so a late duplicate trigger is dropped. */
  recentKeys: string[];
}

export function emptyBuildQueue(): BuildQueue {
  return { queue: [], running: {}, building: [], finished: [], recentKeys: [] };
}

/** Queued, running, finished-awaiting-post-build, or recently finished. */
export function isKnownBuild(q: BuildQueue, key: string): boolean {
  return (
    q.queue.some((r) => buildKey(r) === key) ||
    Object.values(q.running).includes(key) ||
    q.finished.some((o) => buildKey(o.request) === key) ||
    q.recentKeys.includes(key)
  );
}

export interface EnqueueOptions {
  /**
   * Keep the queue in DLRN's commit order. Off only to replay runs recorded
   * before the trunk ordered its queue, which appended in arrival order.
   */
  commitOrder: boolean;
}

/** Adds the requests not known yet (nor repeated within the batch); returns the ones added. */
export function enqueueBuilds(q: BuildQueue, requests: readonly BuildRequest[], opts: EnqueueOptions): BuildRequest[] {
  const added: BuildRequest[] = [];
  const keys = new Set<string>();
  for (const request of requests) {
    const key = buildKey(request);
    if (keys.has(key) || isKnownBuild(q, key)) continue;
    keys.add(key);
    added.push(request);
  }
  if (added.length > 0) q.queue = opts.commitOrder ? orderForBuild([...q.queue, ...added]) : [...q.queue, ...added];
  return added;
}

/** True when some queued build could start now: its package is idle and an in-flight place is free. */
export function canStartBuild(q: BuildQueue, inFlightLimit: number): boolean {
  return q.building.length < inFlightLimit && q.queue.some((r) => !q.running[r.packageName]);
}

/**
 * Takes the next builds off the queue, in queue order, skipping packages that
 * already have a build running, until the in-flight limit is reached; marks
 * them running. The caller starts them.
 */
export function takeNextBuilds(q: BuildQueue, inFlightLimit: number): BuildRequest[] {
  const picked: BuildRequest[] = [];
  const waiting: BuildRequest[] = [];
  for (const request of q.queue) {
    if (q.building.length >= inFlightLimit || q.running[request.packageName]) {
      waiting.push(request);
      continue;
    }
    const key = buildKey(request);
    q.running[request.packageName] = key;
    q.building.push(key);
    picked.push(request);
  }
  q.queue = waiting;
  return picked;
}

/** A build finished building: its in-flight place is free at once, and its post-build waits in line. */
export function buildFinished(q: BuildQueue, outcome: BuildOutcome): void {
  const key = buildKey(outcome.request);
  q.building = q.building.filter((k) => k !== key);
  q.finished.push(outcome);
}

/** The next build whose post-build is due, taken off the finished list. */
export function takeNextPostBuild(q: BuildQueue): BuildOutcome | undefined {
  return q.finished.shift();
}

/**
 * The post-build of a build is done: its package may build again, and its key
 * is remembered among the last `recentLimit` ones.
 */
export function postBuildDone(q: BuildQueue, outcome: BuildOutcome, recentLimit: number): void {
  const key = buildKey(outcome.request);
  if (q.running[outcome.request.packageName] === key) delete q.running[outcome.request.packageName];
  q.recentKeys.push(key);
  if (q.recentKeys.length > recentLimit) q.recentKeys.splice(0, q.recentKeys.length - recentLimit);
}

/** A recheck deleted the package's FAILED row: forget its recent builds, so discovery may queue the commit again. */
export function forgetRecentBuilds(q: BuildQueue, packageName: string): void {
  q.recentKeys = q.recentKeys.filter((k) => !k.startsWith(`${packageName}:`));
}
