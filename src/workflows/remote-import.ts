/**
 * remoteImport: DLRN's remote/import as a workflow. The fetch activity brings
 * another instance's build (commit.yaml, RPMs, logs) into this trunk's repo
 * tree; the build then goes through the trunk's own post-build, serialised
 * with its builds, exactly as a build workflow reports one.
 */
import { condition, getExternalWorkflowHandle, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { RemoteImportActivities } from '../activities';
import type { BuildOutcome, PostBuildResult } from '../domain/trunk-build';
import { buildFinishedSignal, postBuildDoneSignal, trunkWorkflowId } from './messages';

const { fetchRemoteBuild } = proxyActivities<RemoteImportActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 3 },
});

export interface RemoteImportInput {
  trunk: string;
  repoUrl: string;
}

/** DLRN's 201 `{"repo_url": …}` (also when an older build is skipped, as DLRN does), or its refusal. */
export type RemoteImportAnswer = { ok: true; repoUrl: string; skipped?: string; postBuild?: PostBuildResult } | { ok: false; status: number; message: string };

/** The workflow id of an import: one at a time per trunk and URL. */
export function remoteImportWorkflowId(trunk: string, repoUrl: string): string {
  return `remote-import:${trunk}:${repoUrl}`;
}

export async function remoteImport(input: RemoteImportInput): Promise<RemoteImportAnswer> {
  let done: PostBuildResult | undefined;
  setHandler(postBuildDoneSignal, (result) => {
    done = result;
  });
  const fetched = await fetchRemoteBuild(input.trunk, input.repoUrl);
  if (fetched.kind === 'refused') return { ok: false, status: fetched.status, message: fetched.message };
  if (fetched.kind === 'skipped') return { ok: true, repoUrl: input.repoUrl, skipped: fetched.reason };
  const outcome: BuildOutcome = { request: fetched.request, buildWorkflowId: workflowInfo().workflowId, status: fetched.status, attempt: fetched.attempt, retries: 0 };
  await getExternalWorkflowHandle(trunkWorkflowId(input.trunk)).signal(buildFinishedSignal, outcome);
  await condition(() => done !== undefined);
  return { ok: true, repoUrl: input.repoUrl, postBuild: done };
}
