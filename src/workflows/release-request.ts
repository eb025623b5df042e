/**
 * Step 1 of a release (openstack/releases' release-post pipeline): a merged
 * release request is validated, each project of each changed deliverable's
 * last release is tagged (independently: one failing repository does not stop
 * the others), the requested branches are created, and the releases site is
 * published only when all of that succeeded.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ApplicationFailure, log, ParentClosePolicy, proxyActivities, startChild, upsertSearchAttributes } from '@temporalio/workflow';
import type { BranchOutcome, ReleaseActivities, TagOutcome } from '../activities/release/request';
import { releaseTagWorkflowId } from '../domain/release/tag-pipeline';
import { CommitHash, Stage } from '../domain/search-attributes';
import { releaseTag, type ReleaseTagInput } from './release-tag';

export interface ReleaseRequestInput {
  /** The releases repository (for messages; the worker's configuration says where it is). */
  releasesRepo: string;
  /** The merge commit of the request. */
  commit: string;
  reason: string;
  timeouts: { activityMinutes: number; retryInitialSeconds: number; retryMaximumSeconds: number; maximumAttempts: number };
  /** Settings of the per-tag pipelines started for the tags pushed here. */
  tagPipeline: Omit<ReleaseTagInput, 'repo' | 'tag'>;
}

export interface ReleaseRequestResult {
  commit: string;
  files: string[];
  warnings: string[];
  skipped: Array<{ file: string; reason: string }>;
  tags: TagOutcome[];
  branches: BranchOutcome[];
  site: { dir: string; pages: number };
}

const reasonOf = (e: unknown) => (e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e));

export async function releaseRequest(input: ReleaseRequestInput): Promise<ReleaseRequestResult> {
  upsertSearchAttributes([{ key: Stage, value: 'release-request' }, { key: CommitHash, value: input.commit }]);
  const t = input.timeouts;
  const acts = proxyActivities<ReleaseActivities>({
    startToCloseTimeout: `${t.activityMinutes} minutes`,
    heartbeatTimeout: `${t.activityMinutes} minutes`,
    retry: { initialInterval: `${t.retryInitialSeconds} seconds`, maximumInterval: `${t.retryMaximumSeconds} seconds`, maximumAttempts: t.maximumAttempts },
  });
  const plan = await acts.prepareReleaseRequest({ commit: input.commit });
  if (plan.errors.length) {
    throw ApplicationFailure.create({
      type: 'InvalidReleaseRequest',
      nonRetryable: true,
      message: `release request ${input.commit} is invalid, nothing was tagged:\n${plan.errors.join('\n')}`,
      details: [plan.errors],
    });
  }
  // Each repository on its own: a failure is collected, the others go on.
  const tagged = await Promise.allSettled(plan.tags.map((tag) => acts.tagRelease(tag)));
  const branched = await Promise.allSettled(plan.branches.map((b) => acts.createReleaseBranch(b)));
  const failures = [
    ...tagged.flatMap((r, i) => (r.status === 'rejected' ? [`${plan.tags[i].repo} ${plan.tags[i].version}: ${reasonOf(r.reason)}`] : [])),
    ...branched.flatMap((r, i) => (r.status === 'rejected' ? [`${plan.branches[i].repo} ${plan.branches[i].branch}: ${reasonOf(r.reason)}`] : [])),
  ];
  const tags = tagged.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  // Each pushed tag starts its own pipelines (a webhook for the same push finds them started).
  for (const t of tags.filter((x) => x.outcome === 'tagged')) {
    try {
      await startChild(releaseTag, {
        workflowId: releaseTagWorkflowId(t.repo, t.version),
        args: [{ ...input.tagPipeline, repo: t.repo, tag: t.version }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    }
  }
  const branches = branched.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  log.info('release request tagged', { commit: input.commit, tagged: tags.length, branches: branches.length, failed: failures.length });
  if (failures.length) {
    throw ApplicationFailure.create({
      type: 'TaggingFailed',
      nonRetryable: true,
      message: `${failures.length} of ${plan.tags.length + plan.branches.length} tags and branches failed; the releases site was not published:\n${failures.join('\n')}`,
      details: [{ tags, branches, failures }],
    });
  }
  const site = await acts.publishReleasesSite({ commit: input.commit });
  return { commit: input.commit, files: plan.files, warnings: plan.warnings, skipped: plan.skipped, tags, branches, site };
}
