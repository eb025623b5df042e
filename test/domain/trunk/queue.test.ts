import { buildKey, type BuildOutcome, type BuildRequest } from '../../../src/domain/trunk-build';
import {
  buildFinished,
  canStartBuild,
  emptyBuildQueue,
  enqueueBuilds,
  forgetRecentBuilds,
  isKnownBuild,
  postBuildDone,
  takeNextBuilds,
  takeNextPostBuild,
} from '../../../src/domain/trunk/queue';

const T0 = 1700000000;
let serial = 0;

function request(packageName: string, dtCommit: number, over: Partial<BuildRequest> = {}): BuildRequest {
  const sha = (++serial).toString(16).padStart(40, '0');
  return {
    trunk: 't', release: 'r', packageName, project: packageName, commitHash: sha, distroHash: 'd'.repeat(40), extendedHash: null,
    dtCommit, dtDistro: T0, commitBranch: 'master', component: null, maintainers: [], ...over,
  };
}
const outcome = (r: BuildRequest): BuildOutcome => ({ request: r, buildWorkflowId: `build:${buildKey(r)}`, status: 'SUCCESS', attempt: null, retries: 0 });
const ordered = { commitOrder: true };

describe('enqueueBuilds', () => {
  it('keeps DLRN order: by dt_commit ascending, stable for equal times, across batches', () => {
    const q = emptyBuildQueue();
    const a = request('a', T0 + 30);
    const b = request('b', T0 + 10);
    const c = request('c', T0 + 10);
    enqueueBuilds(q, [a, b], ordered);
    enqueueBuilds(q, [c, request('d', T0)], ordered);
    expect(q.queue.map((r) => r.packageName)).toEqual(['d', 'b', 'c', 'a']);
  });

  it('appends in arrival order for runs recorded before the queue was ordered', () => {
    const q = emptyBuildQueue();
    enqueueBuilds(q, [request('a', T0 + 30), request('b', T0)], { commitOrder: false });
    expect(q.queue.map((r) => r.packageName)).toEqual(['a', 'b']);
  });

  it('drops a build that is queued, running, awaiting its post-build or recently finished, and repeats within a batch', () => {
    const q = emptyBuildQueue();
    const [queued, running, awaiting, recent] = ['q', 'r', 'w', 'x'].map((p) => request(p, T0));
    enqueueBuilds(q, [running, awaiting, recent], ordered);
    takeNextBuilds(q, 10);
    buildFinished(q, outcome(awaiting));
    buildFinished(q, outcome(recent));
    takeNextPostBuild(q);
    takeNextPostBuild(q);
    postBuildDone(q, outcome(recent), 10);
    enqueueBuilds(q, [queued, queued], ordered);
    for (const r of [queued, running, awaiting, recent]) expect(isKnownBuild(q, buildKey(r))).toBe(true);
    expect(enqueueBuilds(q, [queued, running, awaiting, recent], ordered)).toEqual([]);
    expect(q.queue).toEqual([queued]);
  });

  it('takes a new distgit commit of the same source commit as a new build', () => {
    const q = emptyBuildQueue();
    const first = request('a', T0);
    enqueueBuilds(q, [first], ordered);
    expect(enqueueBuilds(q, [{ ...first, distroHash: 'e'.repeat(40) }], ordered)).toHaveLength(1);
  });
});

describe('takeNextBuilds', () => {
  it('starts one build per package at a time, oldest first, up to the in-flight limit', () => {
    const q = emptyBuildQueue();
    const a1 = request('a', T0);
    const a2 = request('a', T0 + 1);
    const b = request('b', T0 + 2);
    const c = request('c', T0 + 3);
    const d = request('d', T0 + 4);
    enqueueBuilds(q, [d, c, b, a2, a1], ordered);
    expect(takeNextBuilds(q, 3)).toEqual([a1, b, c]);
    expect(q.queue).toEqual([a2, d]);
    expect(q.running).toEqual({ a: buildKey(a1), b: buildKey(b), c: buildKey(c) });
    expect(canStartBuild(q, 3)).toBe(false);
    expect(canStartBuild(q, 4)).toBe(true);
    expect(takeNextBuilds(q, 4)).toEqual([d]);
    expect(canStartBuild(q, 10)).toBe(false); // only a2 waits, and a is running
  });

  it('frees the in-flight place when the build finishes, the package only after its post-build', () => {
    const q = emptyBuildQueue();
    const a1 = request('a', T0);
    const a2 = request('a', T0 + 1);
    const b = request('b', T0 + 2);
    enqueueBuilds(q, [a1, a2, b], ordered);
    expect(takeNextBuilds(q, 1)).toEqual([a1]);
    buildFinished(q, outcome(a1));
    expect(q.building).toEqual([]);
    expect(takeNextBuilds(q, 1)).toEqual([b]); // a2 waits for a1's post-build
    const done = takeNextPostBuild(q)!;
    expect(done.request).toBe(a1);
    expect(takeNextPostBuild(q)).toBeUndefined();
    postBuildDone(q, done, 10);
    buildFinished(q, outcome(b));
    expect(takeNextBuilds(q, 1)).toEqual([a2]);
  });
});

describe('postBuildDone', () => {
  it('remembers the last recentLimit keys only', () => {
    const q = emptyBuildQueue();
    const rs = [1, 2, 3].map((i) => request(`p${i}`, T0 + i));
    for (const r of rs) postBuildDone(q, outcome(r), 2);
    expect(q.recentKeys).toEqual(rs.slice(1).map(buildKey));
  });

  it('leaves a package running when the finished build is not the one running (a duplicate)', () => {
    const q = emptyBuildQueue();
    const a1 = request('a', T0);
    enqueueBuilds(q, [a1], ordered);
    takeNextBuilds(q, 1);
    postBuildDone(q, outcome(request('a', T0 - 1)), 10);
    expect(q.running.a).toBe(buildKey(a1));
  });
});

describe('forgetRecentBuilds', () => {
  it("forgets only that package's recent keys, so its commit can be queued again", () => {
    const q = emptyBuildQueue();
    const a = request('a', T0);
    const ab = request('ab', T0);
    for (const r of [a, ab]) postBuildDone(q, outcome(r), 10);
    forgetRecentBuilds(q, 'a');
    expect(q.recentKeys).toEqual([buildKey(ab)]);
    expect(enqueueBuilds(q, [a], ordered)).toEqual([a]);
  });
});
