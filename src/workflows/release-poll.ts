/**
 * What the release Schedule starts: looks for release requests merged since
 * the last poll and starts step 1 for each (a webhook may have started it
 * already: the workflow ID, from the merge commit, makes that a no-op).
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { ReleaseActivities } from '../activities/release/request';
import { releaseRequestWorkflowId } from '../domain/release/tagging';
import { releaseRequest, type ReleaseRequestInput } from './release-request';

export async function pollReleaseRequests(input: Omit<ReleaseRequestInput, 'commit' | 'reason'>): Promise<string[]> {
  const { newReleaseRequestCommits } = proxyActivities<ReleaseActivities>({
    startToCloseTimeout: `${input.timeouts.activityMinutes} minutes`,
    retry: { maximumAttempts: input.timeouts.maximumAttempts },
  });
  const started: string[] = [];
  for (const commit of await newReleaseRequestCommits()) {
    try {
      await startChild(releaseRequest, {
        workflowId: releaseRequestWorkflowId(commit),
        args: [{ ...input, commit, reason: 'poll' }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      started.push(commit);
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    }
  }
  return started;
}
