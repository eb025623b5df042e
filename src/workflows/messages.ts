import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BuildOutcome, BuildRequest, PostBuildResult, RecheckAnswer } from '../domain/trunk-build';

/** Asks the trunk to look for new commits: every package, or the ones named. */
export const discoverSignal = defineSignal<[{ packages?: string[]; reason: string }]>('discover');
/**
 * `trunkflow recheck`: rebuild the package if its latest build FAILED (DLRN's
 * rule). The caller gets DLRN's answer: rechecked, or why not.
 */
export const recheckUpdate = defineUpdate<RecheckAnswer, [{ packageName: string }]>('recheck');
/** New builds found outside the trunk's own discovery (an import, a benchmark). */
export const enqueueSignal = defineSignal<[BuildRequest[]]>('enqueue');
/** A build workflow finished building; the trunk runs its post-build. */
export const buildFinishedSignal = defineSignal<[BuildOutcome]>('buildFinished');
/** The trunk finished the post-build of a build workflow's result. */
export const postBuildDoneSignal = defineSignal<[PostBuildResult]>('postBuildDone');

export interface TrunkStatus {
  trunk: string;
  /** In build order; dtCommit is the source commit's time (epoch seconds), for the queue page. */
  queued: Array<{ packageName: string; commitHash: string; distroHash: string; dtCommit: number }>;
  running: Array<{ packageName: string; workflowId: string }>;
  postBuildsPending: number;
  discovering: boolean;
  builds: { succeeded: number; failed: number };
}
export const trunkStatusQuery = defineQuery<TrunkStatus>('status');

export function trunkWorkflowId(trunk: string): string {
  return `trunk:${trunk}`;
}

/**
 * A CI vote was recorded through the API's report_result. Sent to the
 * workflow waiting on that hash, if any (`voteWaitWorkflowId`): the promotion
 * chain reacts at once instead of polling the votes.
 */
export interface VoteRecorded {
  trunk: string;
  /** `<commit_hash>_<distro_hash[:8]>` (DLRN's repo_hash) of a build, or the aggregate hash. */
  hash: string;
  jobId: string;
  success: boolean;
  timestamp: number;
  url: string;
}
export const voteRecordedSignal = defineSignal<[VoteRecorded]>('voteRecorded');

/** The id a workflow waiting on a hash's votes runs under, so report_result can find it. */
export function voteWaitWorkflowId(trunk: string, hash: string): string {
  return `vote-wait:${trunk}:${hash}`;
}
