import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BuildActivities, NotifyActivities, PostBuildActivities } from '../activities';
import { TRUNK_TIMEOUT_DEFAULTS } from '../config/timeouts';
import type { BuildAttempt, BuildOutcome, BuildRequest, PostBuildResult, TrunkTimeouts } from '../domain/trunk-build';
import { BuildStatus, CommitHash, Package, Release, RepoHash, Trunk } from '../domain/search-attributes';
import { repoHash } from '../domain/trunk/hashes';
import { retryDelaySeconds } from '../domain/trunk/build-errors';
import { buildFinishedSignal, postBuildDoneSignal, trunkWorkflowId } from './messages';

// Notifications run in the build's own workflow, so a slow mail relay or review
// server never holds up the trunk's post-build queue.
const { notifyFailure } = proxyActivities<NotifyActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes', maximumAttempts: 10 },
});
const { openFtbfsReview } = proxyActivities<NotifyActivities>({
  startToCloseTimeout: '5 minutes', // DLRN gives submit_review.sh 300 s
  // Creating a change is not idempotent on Gerrit: a retry after a lost answer could open a second one.
  retry: { maximumAttempts: 1 },
});
const { recordRetry } = proxyActivities<PostBuildActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '1 minute' },
});

export interface BuildPackageInput {
  request: BuildRequest;
  maxRetries: number;
  buildTaskQueue: string;
  /** From the configuration, through the trunk; absent only in runs recorded before inputs carried them. */
  timeouts?: TrunkTimeouts['build'];
  /** Runs recorded before `timeouts` carried these two. */
  retryBaseSeconds?: number;
  buildHeartbeatSeconds?: number;
}

export interface BuildPackageResult extends PostBuildResult {
  retries: number;
}

/**
 * Builds one (commit, distro, extended) triple of one package. Its workflow ID
 * is the triple, so a duplicate trigger starts nothing. Known transient errors
 * become RETRY rows and are retried with backoff, up to maxRetries; the result
 * goes to the trunk workflow, which serialises the post-build.
 */
export async function buildPackage(input: BuildPackageInput): Promise<BuildPackageResult> {
  const req = input.request;
  upsertSearchAttributes([
    { key: Release, value: req.release },
    { key: Trunk, value: req.trunk },
    { key: Package, value: req.packageName },
    { key: CommitHash, value: req.commitHash },
    { key: RepoHash, value: repoHash(req.commitHash, req.distroHash) },
    { key: BuildStatus, value: 'BUILDING' },
  ]);
  let postBuild: PostBuildResult | undefined;
  setHandler(postBuildDoneSignal, (result) => {
    postBuild = result;
  });
  const timeouts: TrunkTimeouts['build'] = input.timeouts ?? {
    ...TRUNK_TIMEOUT_DEFAULTS.build,
    retryBaseSeconds: input.retryBaseSeconds ?? TRUNK_TIMEOUT_DEFAULTS.build.retryBaseSeconds,
    heartbeatSeconds: input.buildHeartbeatSeconds ?? TRUNK_TIMEOUT_DEFAULTS.build.heartbeatSeconds,
  };
  // Builds run on the build hosts' task queue.
  const builds = proxyActivities<BuildActivities>({
    taskQueue: input.buildTaskQueue,
    startToCloseTimeout: timeouts.startToCloseMinutes * 60_000,
    // Builds heartbeat every 5 s; a dead build host is noticed within this, and the build moves to another.
    heartbeatTimeout: timeouts.heartbeatSeconds * 1000,
    // Infrastructure errors (a lost worker) retry; build failures are results, not errors.
    retry: {
      initialInterval: timeouts.retryInitialSeconds * 1000,
      maximumInterval: timeouts.retryMaximumSeconds * 1000,
      maximumAttempts: timeouts.maximumAttempts,
    },
  });

  let attempt: BuildAttempt | null = null;
  let retries = 0;
  let status: BuildOutcome['status'] = 'FAILED';
  try {
    for (;;) {
      attempt = await builds.buildCommit(req, retries);
      if (attempt.ok) {
        status = 'SUCCESS';
        break;
      }
      if (attempt.failure?.status === 'RETRY' && retries < input.maxRetries) {
        await recordRetry(req, attempt);
        retries += 1;
        upsertSearchAttributes([{ key: BuildStatus, value: 'RETRY' }]);
        await sleep(retryDelaySeconds(retries, { initialSeconds: timeouts.retryBaseSeconds }) * 1000);
        upsertSearchAttributes([{ key: BuildStatus, value: 'BUILDING' }]);
        continue;
      }
      status = 'FAILED';
      break;
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    status = 'CANCELLED';
  }
  const outcome: BuildOutcome = { request: req, buildWorkflowId: workflowInfo().workflowId, status, attempt, retries };
  // Even when cancelled, the trunk must hear of it, or the package stays blocked.
  await CancellationScope.nonCancellable(async () => {
    await getExternalWorkflowHandle(trunkWorkflowId(req.trunk)).signal(buildFinishedSignal, outcome);
    upsertSearchAttributes([{ key: BuildStatus, value: status === 'CANCELLED' ? 'CANCELLED' : 'POST_BUILD' }]);
    await condition(() => postBuild !== undefined);
  });
  const result: BuildPackageResult = { ...postBuild!, retries };
  upsertSearchAttributes([{ key: BuildStatus, value: result.status }]);
  if (result.status === 'FAILED') {
    const [mail, review] = await Promise.allSettled([
      result.mailDue ? notifyFailure(outcome) : Promise.resolve(false),
      result.reviewDue ? openFtbfsReview(outcome) : Promise.resolve(null),
    ]);
    result.mailed = mail.status === 'fulfilled' && mail.value === true;
    result.reviewUrl = review.status === 'fulfilled' ? review.value : null;
    if (mail.status === 'rejected') log.error('failure mail not sent', { error: String(mail.reason) });
    if (review.status === 'rejected') log.error('FTBFS review not opened', { error: String(review.reason) });
  }
  return result;
}
