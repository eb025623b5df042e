import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { DiscoveryActivities, PostBuildActivities } from '../activities';
import { TRUNK_TIMEOUT_DEFAULTS } from '../config/timeouts';
import { buildKey, type BuildOutcome, type BuildRequest, type TrunkTimeouts } from '../domain/trunk-build';
import { Stage, Trunk } from '../domain/search-attributes';
import { buildWorkflowId } from '../domain/trunk/hashes';
import {
  buildFinished,
  canStartBuild,
  emptyBuildQueue,
  enqueueBuilds,
  forgetRecentBuilds,
  postBuildDone,
  takeNextBuilds,
  takeNextPostBuild,
  type BuildQueue,
} from '../domain/trunk/queue';
import { buildPackage } from './build-package';
import { discoverTrunk } from './discover-trunk';
import {
  buildFinishedSignal,
  discoverSignal,
  enqueueSignal,
  postBuildDoneSignal,
  recheckUpdate,
  trunkStatusQuery,
  type TrunkStatus,
} from './messages';

const { recheckPackage } = proxyActivities<DiscoveryActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

export interface TrunkState extends BuildQueue {
  /** Post-builds done since the report pages were last written (carried across continue-as-new). */
  reportsDue?: boolean;
  discovery: { all: boolean; packages: string[] } | null;
  builds: { succeeded: number; failed: number };
}

export interface TrunkInput {
  trunk: string;
  buildSlots: number;
  maxRetries: number;
  buildTaskQueue: string;
  /**
   * Builds started beyond buildSlots, waiting on the builds task queue: a build
   * host picks the next one the moment a build ends, instead of waiting for the
   * trunk to hear of it and start another. Each host's worker runs at most
   * buildSlots builds at once.
   */
  buildLookahead?: number;
  /** From the configuration; absent only in runs recorded before inputs carried them. */
  timeouts?: TrunkTimeouts;
  /** Continue-as-new once the history is this long, before Temporal suggests it (tests). */
  maxHistoryLength?: number;
  /** Carried across continue-as-new. */
  state?: TrunkState;
}

function emptyState(): TrunkState {
  return { ...emptyBuildQueue(), discovery: null, builds: { succeeded: 0, failed: 0 } };
}

/**
 * One long-lived workflow per trunk: the single place where builds are
 * queued, started (one at a time per package, in commit order, up to the
 * trunk's build slots) and post-processed, one after the other. DLRN does this
 * under a file lock in one cron process; here it is durable and visible. The
 * queue's rules are in src/domain/trunk/queue.ts; this is the shell around them.
 */
export async function trunk(input: TrunkInput): Promise<void> {
  const state: TrunkState = { ...emptyState(), ...input.state };
  const timeouts = input.timeouts ?? TRUNK_TIMEOUT_DEFAULTS;
  const inFlightLimit = input.buildSlots + (input.buildLookahead ?? 0);
  // Runs recorded before the queue kept DLRN's commit order appended in arrival order.
  const commitOrder = patched('dlrn-commit-order');
  const { postBuild } = proxyActivities<PostBuildActivities>({
    startToCloseTimeout: timeouts.postBuild.startToCloseMinutes * 60_000,
    retry: { initialInterval: timeouts.postBuild.retryInitialSeconds * 1000, maximumInterval: timeouts.postBuild.retryMaximumSeconds * 1000 },
  });
  const { prepareRepoDir } = proxyActivities<PostBuildActivities>({
    startToCloseTimeout: timeouts.postBuild.startToCloseMinutes * 60_000,
    retry: { initialInterval: timeouts.postBuild.retryInitialSeconds * 1000, maximumAttempts: 3 },
  });
  // Runs recorded before the trunk prepared repo dirs ahead of their post-builds did all of it in the post-build.
  const prepareAhead = patched('prepare-repo-dir');
  /** Repo dirs being prepared, by build key: a post-build waits for its dir's preparation. */
  const preparing = new Map<string, Promise<void>>();
  let preparesRunning = 0;
  let postBuildingOutcome: BuildOutcome | null = null;
  const { writeTrunkReports } = proxyActivities<PostBuildActivities>({
    startToCloseTimeout: timeouts.postBuild.startToCloseMinutes * 60_000,
    retry: { initialInterval: timeouts.postBuild.retryInitialSeconds * 1000, maximumAttempts: 3 },
  });
  // Report pages are written beside the post-builds, at most one write at a time, the next one
  // covering every post-build done meanwhile (runs recorded before wrote them in each post-build).
  const reportsBeside = patched('reports-beside-post-builds');
  let reportsWriting = false;
  // Nothing new is started once the history is full, so what runs drains and the trunk continues as new.
  const pumpReports = () => {
    if (reportsWriting || !state.reportsDue || historyFull()) return;
    state.reportsDue = false;
    reportsWriting = true;
    void writeTrunkReports(input.trunk)
      .catch((err: Error) => log.warn('report pages not written', { error: err.message }))
      .finally(() => {
        reportsWriting = false;
        pumpReports();
      });
  };
  const requestReports = () => {
    state.reportsDue = true;
    pumpReports();
  };
  upsertSearchAttributes([{ key: Trunk, value: input.trunk }, { key: Stage, value: 'trunk' }]);
  const historyFull = () =>
    workflowInfo().continueAsNewSuggested || (input.maxHistoryLength !== undefined && workflowInfo().historyLength >= input.maxHistoryLength);
  let discovering = false;
  let postBuilding = false;

  const enqueue = (requests: BuildRequest[]) => enqueueBuilds(state, requests, { commitOrder });
  const requestDiscovery = (packages: string[] | undefined) => {
    const d = state.discovery ?? { all: false, packages: [] };
    if (!packages) d.all = true;
    else d.packages = [...new Set([...d.packages, ...packages])];
    state.discovery = d;
  };

  setHandler(discoverSignal, ({ packages }) => requestDiscovery(packages));
  setHandler(enqueueSignal, (requests) => {
    enqueue(requests);
  });
  setHandler(
    recheckUpdate,
    async ({ packageName }) => {
      // DLRN's rule, applied once by the activity: only a FAILED latest build is rechecked; its row goes.
      const answer = await recheckPackage(input.trunk, packageName);
      if (answer.rechecked) {
        forgetRecentBuilds(state, packageName);
        requestDiscovery([packageName]);
      }
      return answer;
    },
    {
      validator: ({ packageName }) => {
        if (typeof packageName !== 'string' || packageName === '') throw new Error('recheck needs a package name');
      },
    },
  );
  setHandler(buildFinishedSignal, (outcome) => {
    buildFinished(state, outcome);
    if (!prepareAhead || outcome.status !== 'SUCCESS' || historyFull()) return;
    // Its repo dir is made now, beside the post-builds in line before it, counting their rows as
    // recorded: the post-build then finds it complete, and the one-at-a-time part stays short.
    const ahead = [...(postBuildingOutcome ? [postBuildingOutcome] : []), ...state.finished.slice(0, -1)].filter((o) => o.status !== 'CANCELLED');
    const key = buildKey(outcome.request);
    preparesRunning++;
    preparing.set(key, prepareRepoDir(outcome, ahead).catch((err: Error) => {
      log.warn('repo dir not prepared ahead: its post-build completes it', { key, error: err.message });
    }).finally(() => {
      preparesRunning--;
    }));
  });
  setHandler(trunkStatusQuery, (): TrunkStatus => ({
    trunk: input.trunk,
    queued: state.queue.map((r) => ({ packageName: r.packageName, commitHash: r.commitHash, distroHash: r.distroHash, dtCommit: r.dtCommit })),
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
        args: [{ trunk: input.trunk, packages: wanted.all ? undefined : wanted.packages, timeouts: timeouts.discovery }],
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

  // Starts the next builds (DLRN's order, one per package, while in-flight places last),
  // all in one workflow task.
  const startBuilds = async () => {
    await Promise.all(takeNextBuilds(state, inFlightLimit).map(startBuild));
  };
  const startBuild = async (request: BuildRequest) => {
    try {
      await startChild(buildPackage, {
        workflowId: buildWorkflowId(request.trunk, request.packageName, request),
        args: [{
          request, maxRetries: input.maxRetries, buildTaskQueue: input.buildTaskQueue, timeouts: timeouts.build,
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
    const outcome = takeNextPostBuild(state)!;
    postBuilding = true;
    postBuildingOutcome = outcome;
    try {
      // Awaited only when there is one: an extra await would reorder this task's commands in replays.
      const pending = preparing.get(buildKey(outcome.request));
      if (pending) {
        await pending;
        preparing.delete(buildKey(outcome.request));
      }
      const result = reportsBeside ? await postBuild(outcome, { writeReports: false }) : await postBuild(outcome);
      if (reportsBeside) requestReports();
      if (result.status === 'SUCCESS') state.builds.succeeded++;
      if (result.status === 'FAILED') state.builds.failed++;
      try {
        await getExternalWorkflowHandle(outcome.buildWorkflowId).signal(postBuildDoneSignal, result);
      } catch (err) {
        log.warn('build workflow gone before its post-build finished', { workflowId: outcome.buildWorkflowId, error: (err as Error).message });
      }
    } finally {
      postBuildDone(state, outcome, timeouts.recentBuilds);
      postBuilding = false;
      postBuildingOutcome = null;
    }
  };

  const canStart = () => canStartBuild(state, inFlightLimit);
  // A preparation still running would race the next run's post-build of the same dir.
  const readyToContinue = () => historyFull() && !discovering && !postBuilding && preparesRunning === 0 && !reportsWriting;

  pumpReports(); // due from the previous run
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
  await continueAsNew<typeof trunk>({ ...input, timeouts, state });
}
