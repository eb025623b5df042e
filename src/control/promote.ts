/** Starts promotions (one workflow per trunk and label) and tells waiting workflows about new CI votes. */
import { WithStartWorkflowOperation, WorkflowIdConflictPolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { promoteWorkflowId, type PromoteAnswer, type PromoteRequest } from '../domain/dlrn-api/promotions';
import { Label, Stage, Trunk } from '../domain/search-attributes';
import { voteRecordedSignal, voteWaitWorkflowId, type VoteRecorded } from '../workflows/messages';
import { promoteLabel, promoteUpdate } from '../workflows/promote-label';

/**
 * Runs a promote or promote-batch request in its label's workflow (started if
 * needed, else queued behind the running promotions) and returns its answer.
 */
export async function requestPromotion(client: Client, config: Config, req: PromoteRequest): Promise<PromoteAnswer> {
  const labels = req.items.map((i) => i.promoteName);
  const startWorkflowOperation = new WithStartWorkflowOperation(promoteLabel, {
    workflowId: promoteWorkflowId(req.trunk, labels),
    taskQueue: config.temporal.taskQueues.orchestration,
    args: [{ trunk: req.trunk, labels: [...new Set(labels)].sort() }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: [{ key: Trunk, value: req.trunk }, { key: Stage, value: 'promote' }, { key: Label, value: labels[labels.length - 1] }],
    staticSummary: `Promotions of ${[...new Set(labels)].join(', ')} on trunk ${req.trunk}`,
  });
  return client.workflow.executeUpdateWithStart(promoteUpdate, { args: [req], startWorkflowOperation });
}

/** Signals the workflow waiting on the vote's hash; false when none waits. */
export async function signalVoteRecorded(client: Client, vote: VoteRecorded): Promise<boolean> {
  try {
    await client.workflow.getHandle(voteWaitWorkflowId(vote.trunk, vote.hash)).signal(voteRecordedSignal, vote);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
