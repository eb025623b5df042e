import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { DiscoveryActivities, PostBuildActivities } from '../activities';
import { buildKey, type BuildOutcome, type BuildRequest } from '../domain/trunk-build';
import { Stage, Trunk } from '../domain/search-attributes';
import { buildWorkflowId } from '../domain/trunk/hashes';
import { buildPackage } from './build-package';
import { discoverTrunk } from './discover-trunk';
import {
  buildFinishedSignal,
  discoverSignal,
  enqueueSignal,
  postBuildDoneSignal,
  recheckSignal,
  trunkStatusQuery,
  type TrunkStatus,
} from './messages';

const { postBuild } = proxyActivities<PostBuildActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});
const { forgetFailedBuild } = proxyActivities<DiscoveryActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: ['RecheckRefused'] },
});

/** How many recently finished builds the trunk remembers, to drop late duplicates. */
const RECENT_KEYS = 5000;

export interface TrunkState {
  queue: BuildRequest[];
  /** Package name -> build key, from start until its post-build is done (one at a time per package). */
  running: Record<string, string>;
  /** Build keys still building: these hold the trunk's build slots (post-build does not). */
  building: string[];
  finished: BuildOutcome[];
  recentKeys: string[];
  discovery: { all: boolean; packages: string[] } | null;
  builds: { succeeded: number; failed: number };
}

export interface TrunkInput {
  trunk: string;
  buildSlots: number;
  maxRetries: number;
  buildTaskQueue: string;
  retryBaseSeconds?: number;
  buildHeartbeatSeconds?: number;
  /**
   * Builds started beyond buildSlots, waiting on the builds task queue: a build
   * host picks the next one the moment a build ends, instead of waiting for the
   * trunk to hear of it and start another. Each host's worker runs at most
   * buildSlots builds at once.
   */
  buildLookahead?: number;
  /** Carried across continue-as-new. */
  state?: TrunkState;
}

function emptyState(): TrunkState {
  return { queue: [], running: {}, building: [], finished: [], recentKeys: [], discovery: null, builds: { succeeded: 0, failed: 0 } };
}

/**
 * One long-lived workflow per trunk: the single place where builds are
 * queued, started (one at a time per package, in commit order, up to the
 * trunk's build slots) and post-processed, one after the other. DLRN does this
 * under a file lock in one cron process; here it is durable and visible.
 */
export async function trunk(input: TrunkInput): Promise<void> {
  const state = { ...emptyState(), ...input.state };
  const inFlightLimit = input.buildSlots + (input.buildLookahead ?? 0);
  upsertSearchAttributes([{ key: Trunk, value: input.trunk }, { key: Stage, value: 'trunk' }]);
  let discovering = false;
  let postBuilding = false;

  const known = (key: string) =>
    state.queue.some((r) => buildKey(r) === key) ||
    Object.values(state.running).includes(key) ||
    state.finished.some((o) => buildKey(o.request) === key) ||
    state.recentKeys.includes(key);
  const enqueue = (requests: BuildRequest[]) => {
    for (const request of requests) if (!known(buildKey(request))) state.queue.push(request);
  };

  setHandler(discoverSignal, ({ packages }) => {
    const d = state.discovery ?? { all: false, packages: [] };
    if (!packages) d.all = true;
    else d.packages = [...new Set([...d.packages, ...packages])];
    state.discovery = d;
  });
  setHandler(enqueueSignal, enqueue);
  setHandler(recheckSignal, async ({ packageName }) => {
    // DLRN's rule: only a FAILED latest build is rechecked; its row goes, so discovery lists the commit again.
    const removed = await forgetFailedBuild(input.trunk, packageName);
    if (!removed) return;
    state.recentKeys = state.recentKeys.filter((k) => !k.startsWith(`${packageName}:`));
    const d = state.discovery ?? { all: false, packages: [] };
    if (!d.packages.includes(packageName)) d.packages.push(packageName);
    state.discovery = d;
  });
  setHandler(buildFinishedSignal, (outcome) => {
    // The slot is free as soon as the build is; the post-build queue drains behind.
    state.building = state.building.filter((k) => k !== buildKey(outcome.request));
    state.finished.push(outcome);
  });
  setHandler(trunkStatusQuery, (): TrunkStatus => ({
    trunk: input.trunk,
    queued: state.queue.map((r) => ({ packageName: r.packageName, commitHash: r.commitHash, distroHash: r.distroHash })),
    running: Object.entries(state.running).map(([packageName, workflowId]) => ({ packageName, workflowId })),
    postBuildsPending: state.finished.length,
    discovering,
    builds: state.builds,
  }));

  const runDiscovery = async () => {
    const wanted = state.discovery!;
    state.discovery = null;
    discovering = true;
    try {
      const found = await executeChild(discoverTrunk, {
        workflowId: `discover:${input.trunk}:${uuid4()}`,
        args: [{ trunk: input.trunk, packages: wanted.all ? undefined : wanted.packages }],
        typedSearchAttributes: [{ key: Trunk, value: input.trunk }, { key: Stage, value: 'discover' }],
      });
      for (const skip of found.skipped) log.warn('package skipped by discovery', skip);
      enqueue(found.requests);
    } catch (err) {
      log.error('discovery failed', { error: (err as Error).message });
    } finally {
      discovering = false;
    }
  };

  // Starts queued builds: the oldest request of each idle package, while slots last.
  // All starts of one pass go out in one workflow task.
  const startBuilds = async () => {
    const picked: BuildRequest[] = [];
    for (let i = 0; i < state.queue.length && state.building.length < inFlightLimit; ) {
      const request = state.queue[i];
      if (state.running[request.packageName]) {
        i++;
        continue;
      }
      state.queue.splice(i, 1);
      state.running[request.packageName] = buildKey(request);
      state.building.push(buildKey(request));
      picked.push(request);
    }
    await Promise.all(picked.map(startBuild));
  };
  const startBuild = async (request: BuildRequest) => {
    try {
      await startChild(buildPackage, {
        workflowId: buildWorkflowId(request.trunk, request.packageName, request),
        args: [{
          request, maxRetries: input.maxRetries, buildTaskQueue: input.buildTaskQueue,
          retryBaseSeconds: input.retryBaseSeconds, buildHeartbeatSeconds: input.buildHeartbeatSeconds,
        }],
        // A build outlives a continue-as-new of its trunk; it reports back by signal.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [{ key: Trunk, value: input.trunk }],
        staticSummary: `Build ${request.packageName} ${request.commitHash.slice(0, 8)}_${request.distroHash.slice(0, 8)}`,
      });
    } catch (err) {
      // Already running (a duplicate trigger): it will report back like any other.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  };

  const runPostBuild = async () => {
    const outcome = state.finished.shift()!;
    postBuilding = true;
    try {
      const result = await postBuild(outcome);
      if (result.status === 'SUCCESS') state.builds.succeeded++;
      if (result.status === 'FAILED') state.builds.failed++;
      try {
        await getExternalWorkflowHandle(outcome.buildWorkflowId).signal(postBuildDoneSignal, result);
      } catch (err) {
        log.warn('build workflow gone before its post-build finished', { workflowId: outcome.buildWorkflowId, error: (err as Error).message });
      }
    } finally {
      const key = buildKey(outcome.request);
      if (state.running[outcome.request.packageName] === key) delete state.running[outcome.request.packageName];
      state.recentKeys.push(key);
      if (state.recentKeys.length > RECENT_KEYS) state.recentKeys.splice(0, state.recentKeys.length - RECENT_KEYS);
      postBuilding = false;
    }
  };

  const canStart = () =>
    state.queue.some((r) => !state.running[r.packageName]) && state.building.length < inFlightLimit;
  const readyToContinue = () => workflowInfo().continueAsNewSuggested && !discovering && !postBuilding;

  for (;;) {
    await condition(
      () => (state.discovery !== null && !discovering) || (state.finished.length > 0 && !postBuilding) || canStart() || readyToContinue(),
    );
    if (readyToContinue()) break;
    if (state.discovery !== null && !discovering) void runDiscovery();
    // Post-builds run one at a time, beside discovery and new build starts.
    if (state.finished.length > 0 && !postBuilding) void runPostBuild();
    if (canStart()) await startBuilds();
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof trunk>({ ...input, state });
}
