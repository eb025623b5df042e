import { randomBytes } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { BuildActivities, DiscoveryActivities, NotifyActivities, PostBuildActivities } from '../../src/activities';
import { queuedBuilds, requestRecheck } from '../../src/control/trunk';
import { buildConfig, PROJECT_ROOT, TrunkTimeoutsSchema } from '../../src/config';
import { buildKey, type BuildAttempt, type BuildOutcome, type BuildRequest, type PostBuildResult, type RecheckAnswer, type TrunkPackage } from '../../src/domain/trunk-build';
import { buildWorkflowId } from '../../src/domain/trunk/hashes';
import { recheckUpdate, trunkStatusQuery, trunkWorkflowId, discoverSignal, enqueueSignal } from '../../src/workflows/messages';
import type { BuildPackageResult } from '../../src/workflows/build-package';
import { trunk as trunkWorkflow, type TrunkInput } from '../../src/workflows/trunk';
import { createTimeSkippingEnv, workflowBundle, Worker } from '../support/time-skipping';

// The trunk and its build workflows on the time-skipping test server, with every
// activity stubbed: RETRY backoff waits are skipped, so each case takes seconds.
jest.setTimeout(240_000);

type Stubbed = Pick<DiscoveryActivities & BuildActivities & PostBuildActivities & NotifyActivities,
  'listTrunkPackages' | 'discoverPackageCommits' | 'buildCommit' | 'recordRetry' | 'prepareRepoDir' | 'postBuild' | 'writeTrunkReports' | 'notifyFailure' | 'openFtbfsReview' | 'recheckPackage'>;

const T0 = 1_700_000_000;
const sha = () => randomBytes(20).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pkg(name: string): TrunkPackage {
  return { name, project: name, upstream: `file:///${name}`, distgit: `file:///${name}-distgit`, maintainers: [], component: null, sourceBranch: 'master', distroBranch: 'rpm-master', distgitPath: null };
}

function request(trunk: string, packageName: string, dtCommit: number): BuildRequest {
  return {
    trunk, release: 'r', packageName, project: packageName, commitHash: sha(), distroHash: sha(), extendedHash: null,
    dtCommit, dtDistro: T0, commitBranch: 'master', component: null, maintainers: [],
  };
}

function attempt(ok: boolean, failure?: BuildAttempt['failure']): BuildAttempt {
  return { ok, dtBuild: T0, repoDir: 'ab/cd/x', rpms: [], nvr: null, logPath: 'ab/cd/x/rpmbuild.log', failure };
}

function postBuilt(outcome: BuildOutcome): PostBuildResult {
  return {
    status: outcome.status, commitId: 1, repoUrl: null, currentMoved: false, consistentMoved: false, failures: 0,
    mailDue: false, reviewDue: false, mailed: false, reviewUrl: null,
  };
}

/** Stubs that build everything at once and record what they were asked. */
function stubs(over: Partial<Stubbed> = {}) {
  const calls = { built: [] as string[], postBuilt: [] as BuildOutcome[], retries: 0, discovered: [] as string[] };
  const activities: Stubbed = {
    listTrunkPackages: async () => [],
    discoverPackageCommits: async (_trunk, p) => {
      calls.discovered.push(p.name);
      return [];
    },
    buildCommit: async (req) => {
      calls.built.push(buildKey(req));
      return attempt(true);
    },
    recordRetry: async () => ++calls.retries,
    prepareRepoDir: async () => undefined,
    writeTrunkReports: async () => undefined,
    postBuild: async (outcome) => {
      calls.postBuilt.push(outcome);
      return postBuilt(outcome);
    },
    notifyFailure: async () => false,
    openFtbfsReview: async () => 'none',
    recheckPackage: async (_trunk, packageName): Promise<RecheckAnswer> => ({ rechecked: false, packageName, httpStatus: 400, explanation: 'no commits' }),
    ...over,
  };
  return { calls, activities };
}

describe('trunk and buildPackage workflows, time skipping, stubbed activities', () => {
  let env: TestWorkflowEnvironment;
  const timeouts = TrunkTimeoutsSchema.parse({});

  // One test server per test: time skipping is global to a server, and a lock on it
  // left by a slow workflow task of one test must not hold the timers of the next.
  beforeEach(async () => {
    [env] = await Promise.all([createTimeSkippingEnv(), workflowBundle()]);
  });

  afterEach(async () => {
    await env?.teardown();
  });

  /** A fresh trunk on its own task queue; builds run on the same queue. */
  async function withTrunk(
    activities: Stubbed,
    over: Partial<TrunkInput>,
    body: (t: { name: string; taskQueue: string; input: TrunkInput }) => Promise<void>,
  ): Promise<void> {
    const name = `ts-${randomBytes(4).toString('hex')}`;
    const taskQueue = `tq-${name}`;
    const worker = await Worker.create({
      connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities,
    });
    const input: TrunkInput = { trunk: name, buildSlots: 2, buildLookahead: 0, maxRetries: 3, buildTaskQueue: taskQueue, timeouts, ...over };
    await worker.runUntil(async () => {
      await env.client.workflow.start(trunkWorkflow, { workflowId: trunkWorkflowId(name), taskQueue, args: [input] });
      try {
        await body({ name, taskQueue, input });
      } finally {
        await env.client.workflow.getHandle(trunkWorkflowId(name)).terminate('test over').catch(() => undefined);
      }
    });
  }

  /** Waits (in real time) until a workflow exists, then for its result: time skips while it is awaited. */
  async function resultOf(workflowId: string): Promise<BuildPackageResult> {
    for (let i = 0; ; i++) {
      const found = await env.client.workflow.getHandle(workflowId).describe().then(() => true, () => false);
      if (found) break;
      if (i > 200) throw new Error(`${workflowId} never started`);
      await sleep(50);
    }
    return env.client.workflow.getHandle<() => Promise<BuildPackageResult>>(workflowId).result();
  }

  /** Polls in real time until probe answers, for at most 150 s (a loaded machine is slow, never stuck). */
  async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      const v = await probe();
      if (v) return v;
      await sleep(25);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /**
   * The trunk's status query. On a loaded machine the test server can leave a query
   * unanswered around a continue-as-new; each try gets 5 s, then goes to the newest run again.
   */
  async function statusOf(name: string) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await env.client.withDeadline(Date.now() + 5_000, () =>
          env.client.workflow.getHandle(trunkWorkflowId(name)).query(trunkStatusQuery));
      } catch (err) {
        if (attempt >= 6) throw err;
      }
    }
  }

  it('retries a RETRY with backoff (300 s, then 600 s, skipped), recording a RETRY row each time', async () => {
    const { calls, activities } = stubs({
      buildCommit: async (req, retriesSoFar) => {
        calls.built.push(buildKey(req));
        return retriesSoFar < 2 ? attempt(false, { status: 'RETRY', reason: 'known error: Could not resolve host' }) : attempt(true);
      },
    });
    await withTrunk(activities, {}, async ({ name }) => {
      const req = request(name, 'a', T0);
      const before = env.currentTimeMs ? await env.currentTimeMs() : 0;
      await env.client.workflow.getHandle(trunkWorkflowId(name)).signal(enqueueSignal, [req]);
      const result = await resultOf(buildWorkflowId(name, 'a', req));
      expect(result).toMatchObject({ status: 'SUCCESS', retries: 2 });
      expect(calls.built).toHaveLength(3);
      expect(calls.retries).toBe(2);
      // Waited 300 s + 600 s of workflow time (the test's own timeout is far shorter).
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(900_000);
    });
  });

  it('gives up after maxRetries: the last RETRY becomes FAILED', async () => {
    const { calls, activities } = stubs({
      buildCommit: async (req, retriesSoFar) => {
        calls.built.push(buildKey(req));
        return attempt(false, { status: retriesSoFar < 1 ? 'RETRY' : 'FAILED', reason: 'known error' });
      },
    });
    await withTrunk(activities, { maxRetries: 1 }, async ({ name }) => {
      const req = request(name, 'a', T0);
      await env.client.workflow.getHandle(trunkWorkflowId(name)).signal(enqueueSignal, [req]);
      const result = await resultOf(buildWorkflowId(name, 'a', req));
      expect(result).toMatchObject({ status: 'FAILED', retries: 1 });
      expect(calls.postBuilt.map((o) => o.status)).toEqual(['FAILED']);
    });
  });

  it('cancels a running build: the activity stops, nothing is recorded, the package is free again', async () => {
    let cancelled = false;
    const { calls, activities } = stubs({
      buildCommit: async (req) => {
        calls.built.push(buildKey(req));
        const ctx = Context.current();
        try {
          for (;;) {
            ctx.heartbeat('building');
            await ctx.sleep(100);
          }
        } catch (err) {
          cancelled = true;
          throw err;
        }
      },
    });
    // Cancellation reaches an activity with a heartbeat's answer: heartbeats go out every 0.8 x the timeout.
    const quickHeartbeats = { ...timeouts, build: { ...timeouts.build, heartbeatSeconds: 2 } };
    await withTrunk(activities, { timeouts: quickHeartbeats }, async ({ name }) => {
      const req = request(name, 'a', T0);
      const trunkHandle = env.client.workflow.getHandle(trunkWorkflowId(name));
      await trunkHandle.signal(enqueueSignal, [req]);
      await until('the build running', () => calls.built.length === 1);
      const build = env.client.workflow.getHandle(buildWorkflowId(name, 'a', req));
      await build.cancel();
      // In real time (time skipping stays locked until the result is awaited): the activity itself is stopped.
      await until('the activity cancelled', () => cancelled);
      expect(await resultOf(build.workflowId)).toMatchObject({ status: 'CANCELLED' });
      expect(calls.postBuilt.map((o) => o.status)).toEqual(['CANCELLED']);
      const status = await until('the package freed', async () => {
        const s = await statusOf(name);
        return s.running.length === 0 && s;
      });
      expect(status.queued).toEqual([]);
    });
  });

  it('answers the queue page through the control module: the waiting builds in build order, each with its commit date', async () => {
    let release = false;
    const { calls, activities } = stubs({
      buildCommit: async (req) => {
        calls.built.push(buildKey(req));
        while (!release) await sleep(20);
        return attempt(true);
      },
    });
    await withTrunk(activities, { buildSlots: 1 }, async ({ name }) => {
      const config = buildConfig({ trunks: [{ name, release: 'r' }] }, 'test', PROJECT_ROOT, {});
      const requests = [request(name, 'late', T0 + 50), request(name, 'first', T0), request(name, 'middle', T0 + 10)];
      await env.client.workflow.getHandle(trunkWorkflowId(name)).signal(enqueueSignal, requests);
      await until('the first build running', () => calls.built.length === 1);
      expect(await queuedBuilds(env.client, config, name)).toEqual([
        { projectName: 'middle', commitHash: requests[2].commitHash, dtCommit: T0 + 10 },
        { projectName: 'late', commitHash: requests[0].commitHash, dtCommit: T0 + 50 },
      ]);
      release = true;
    });
    // No trunk workflow: nothing waits.
    expect(await queuedBuilds(env.client, buildConfig({ trunks: [{ name: 'absent', release: 'r' }] }, 'test', PROJECT_ROOT, {}), 'absent')).toEqual([]);
  });

  it('starts one build per key when the same commits arrive from several triggers at once', async () => {
    const packages = ['a', 'b', 'c'].map(pkg);
    const found = new Map<string, BuildRequest>();
    const { calls, activities } = stubs({
      listTrunkPackages: async () => packages,
      discoverPackageCommits: async (trunk, p) => {
        calls.discovered.push(p.name);
        if (!found.has(p.name)) found.set(p.name, request(trunk, p.name, T0 + found.size));
        return [found.get(p.name)!];
      },
    });
    await withTrunk(activities, {}, async ({ name }) => {
      const trunkHandle = env.client.workflow.getHandle(trunkWorkflowId(name));
      await Promise.all([1, 2, 3].map((n) => trunkHandle.signal(discoverSignal, { reason: `trigger ${n}` })));
      await until('three post-builds', () => calls.postBuilt.length === 3);
      // Late duplicates: the same requests again by signal and by discovery, after they were built.
      await trunkHandle.signal(enqueueSignal, [...found.values()]);
      await trunkHandle.signal(discoverSignal, { reason: 'again' });
      await until('the second discovery', () => calls.discovered.length >= 6);
      await sleep(500);
      expect(calls.built.sort()).toEqual([...found.values()].map(buildKey).sort());
      expect((await statusOf(name)).builds.succeeded).toBe(3);
    });
  });

  it('continues as new with its queue: every build runs once, in commit order, across runs', async () => {
    const order: string[] = [];
    const { calls, activities } = stubs({
      buildCommit: async (req) => {
        calls.built.push(buildKey(req));
        order.push(req.packageName);
        return attempt(true);
      },
    });
    await withTrunk(activities, { buildSlots: 1, maxHistoryLength: 40 }, async ({ name }) => {
      const trunkHandle = env.client.workflow.getHandle(trunkWorkflowId(name));
      const firstRun = (await trunkHandle.describe()).runId;
      // Newest first on purpose: the trunk builds them oldest first.
      const requests = Array.from({ length: 12 }, (_, i) => request(name, `p${String(i).padStart(2, '0')}`, T0 + i)).reverse();
      await trunkHandle.signal(enqueueSignal, requests);
      await until('twelve post-builds', () => calls.postBuilt.length === 12);
      expect(order).toEqual(requests.map((r) => r.packageName).reverse());
      expect(new Set(calls.built).size).toBe(12);
      const now = await trunkHandle.describe();
      expect(now.runId).not.toBe(firstRun);
      // The counters and recent keys went along: a late duplicate is still dropped.
      expect((await statusOf(name)).builds.succeeded).toBe(12);
      await trunkHandle.signal(enqueueSignal, requests.slice(0, 3));
      await sleep(500);
      expect(calls.built).toHaveLength(12);
    });
  });

  it('answers a recheck with DLRN outcome; a rechecked package is discovered and built again', async () => {
    const a = pkg('a');
    let req: BuildRequest | undefined;
    const { calls, activities } = stubs({
      listTrunkPackages: async () => [a],
      discoverPackageCommits: async (trunk, p) => {
        calls.discovered.push(p.name);
        req ??= request(trunk, p.name, T0);
        return [req];
      },
      buildCommit: async (r) => {
        calls.built.push(buildKey(r));
        return attempt(false, { status: 'FAILED', reason: 'broken' });
      },
      recheckPackage: async (_trunk, packageName): Promise<RecheckAnswer> =>
        packageName === 'a'
          ? { rechecked: true, packageName, deletedRowId: 7, explanation: 'latest processed build 7 of a FAILED' }
          : { rechecked: false, packageName, httpStatus: 409, explanation: `Error while rechecking ${packageName}. It's not possible to recheck a successful commit` },
    });
    await withTrunk(activities, {}, async ({ name, taskQueue, input }) => {
      const trunkHandle = env.client.workflow.getHandle(trunkWorkflowId(name));
      await trunkHandle.signal(discoverSignal, { reason: 'test' });
      await until('the failed build post-built', () => calls.postBuilt.length === 1);

      const refused = await trunkHandle.executeUpdate(recheckUpdate, { args: [{ packageName: 'green' }] });
      expect(refused).toEqual({ rechecked: false, packageName: 'green', httpStatus: 409, explanation: "Error while rechecking green. It's not possible to recheck a successful commit" });
      await expect(trunkHandle.executeUpdate(recheckUpdate, { args: [{ packageName: '' }] })).rejects.toThrow();

      // Through the client function the CLI uses: update-with-start on the running trunk.
      const config = buildConfig({
        temporal: { address: 'unused:1', taskQueues: { orchestration: taskQueue, builds: taskQueue } },
        trunks: [{ name, release: 'r', buildSlots: input.buildSlots }],
      }, 'test', PROJECT_ROOT, {});
      const answer = await requestRecheck(env.client, config, name, 'a');
      expect(answer).toEqual({ rechecked: true, packageName: 'a', deletedRowId: 7, explanation: 'latest processed build 7 of a FAILED' });
      await until('the rebuild post-built', () => calls.postBuilt.length === 2);
      expect(calls.built).toEqual([buildKey(req!), buildKey(req!)]);
      expect(calls.discovered).toEqual(['a', 'a']);
    });
  });
});
