/** Starts the release workflows: step 1 for a merged release request (webhook, poll or by hand) and the poll Schedule. */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { releaseRequestWorkflowId } from '../domain/release/tagging';
import { releaseTagWorkflowId } from '../domain/release/tag-pipeline';
import { CommitHash, Stage } from '../domain/search-attributes';
import { normalizeRepoUrl, type RepoPush } from '../domain/webhooks';
import { pollReleaseRequests } from '../workflows/release-poll';
import { releaseRequest, type ReleaseRequestInput } from '../workflows/release-request';
import { releaseTag, type ReleaseTagInput } from '../workflows/release-tag';

export const RELEASE_POLL_SCHEDULE_ID = 'release-poll';

/** The per-tag pipelines' settings, from the configuration. */
export function tagPipelineSettings(config: Config): Omit<ReleaseTagInput, 'repo' | 'tag'> {
  const r = config.release;
  return { timeouts: r.timeouts, indexPoll: r.indexPoll, upload: !!r.index, constraints: !!r.requirementsRepo };
}

function requestInput(config: Config, commit: string, reason: string): ReleaseRequestInput {
  return { releasesRepo: config.release.releasesRepo, commit, reason, timeouts: config.release.timeouts, tagPipeline: tagPipelineSettings(config) };
}

/**
 * Starts the pipelines of a pushed tag, once per repository and tag (`trunkflow
 * release rerun` passes rerun: a finished run is then started again).
 */
export async function startReleaseTag(client: Client, config: Config, repo: string, tag: string, reason: string, rerun = false): Promise<{ workflowId: string; started: boolean }> {
  const workflowId = releaseTagWorkflowId(repo, tag);
  try {
    await client.workflow.start(releaseTag, {
      workflowId,
      taskQueue: config.temporal.taskQueues.orchestration,
      args: [{ ...tagPipelineSettings(config), repo, tag }],
      workflowIdReusePolicy: rerun ? WorkflowIdReusePolicy.ALLOW_DUPLICATE : WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      typedSearchAttributes: [{ key: Stage, value: 'release-tag' }],
      staticSummary: `${repo} ${tag} (${reason})`,
    });
    return { workflowId, started: true };
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw e;
  }
}

/**
 * Starts step 1 for a merge commit of the releases repository, once: a
 * duplicate trigger finds it running or done. A failed run may be started again.
 */
export async function startReleaseRequest(client: Client, config: Config, commit: string, reason: string): Promise<{ workflowId: string; started: boolean }> {
  const workflowId = releaseRequestWorkflowId(commit);
  try {
    await client.workflow.start(releaseRequest, {
      workflowId,
      taskQueue: config.temporal.taskQueues.orchestration,
      args: [requestInput(config, commit, reason)],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      typedSearchAttributes: [{ key: Stage, value: 'release-request' }, { key: CommitHash, value: commit }],
      staticSummary: `Release request ${commit.slice(0, 12)} (${reason})`,
    });
    return { workflowId, started: true };
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw e;
  }
}

/** Creates the Schedule polling the releases branch, when `release.poll` is set; true when it was created now. */
export async function ensureReleasePollSchedule(client: Client, config: Config): Promise<boolean> {
  if (!config.release.poll) return false;
  const input = { releasesRepo: config.release.releasesRepo, timeouts: config.release.timeouts, tagPipeline: tagPipelineSettings(config) };
  try {
    await client.schedule.create({
      scheduleId: RELEASE_POLL_SCHEDULE_ID,
      spec: { intervals: [{ every: config.release.poll as `${number}m` }] },
      action: {
        type: 'startWorkflow',
        workflowType: pollReleaseRequests,
        args: [input],
        taskQueue: config.temporal.taskQueues.orchestration,
        typedSearchAttributes: [{ key: Stage, value: 'release-poll' }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
      state: { triggerImmediately: true, note: 'trunkflow: look for merged release requests' },
    });
    return true;
  } catch (e) {
    if (e instanceof ScheduleAlreadyRunning) return false;
    throw e;
  }
}

/** Whether a push is a merge into the releases repository's branch (by URL or project name). */
export function isReleasesPush(config: Config, push: RepoPush): boolean {
  if (push.branch !== config.release.releasesBranch || !push.newRev || /^0+$/.test(push.newRev)) return false;
  const mine = normalizeRepoUrl(config.release.releasesRepo);
  const project = push.project.replace(/\.git$/, '').toLowerCase();
  return push.urls.some((u) => normalizeRepoUrl(u) === mine) || mine === project || mine.endsWith(`/${project}`);
}

/** What the API needs of the release pipeline: step 1 for pushes to the releases branch, the per-tag pipelines for pushed tags. */
export interface ReleaseSteering {
  onPush(push: RepoPush): Promise<{ workflowId: string; started: boolean } | null>;
}

export function releaseSteering(client: Client, config: Config): ReleaseSteering {
  return {
    onPush: async (push) => {
      if (isReleasesPush(config, push)) return startReleaseRequest(client, config, push.newRev!, `${push.source} push to ${push.project}`);
      if (push.tag && push.newRev && !/^0+$/.test(push.newRev)) return startReleaseTag(client, config, push.project.replace(/\.git$/, ''), push.tag, `${push.source} tag push`);
      return null;
    },
  };
}
