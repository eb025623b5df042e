/** Starts remote/import workflows: the trunk is started first when needed, since the import reports to it. */
import { WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { Stage, Trunk } from '../domain/search-attributes';
import { remoteImport, remoteImportWorkflowId, type RemoteImportAnswer } from '../workflows/remote-import';
import { ensureTrunkRunning } from './trunk';

/** Imports the build at repoUrl into the trunk and waits for its post-build. */
export async function requestRemoteImport(client: Client, config: Config, trunk: string, repoUrl: string): Promise<RemoteImportAnswer> {
  await ensureTrunkRunning(client, config, trunk);
  return client.workflow.execute(remoteImport, {
    workflowId: remoteImportWorkflowId(trunk, repoUrl),
    taskQueue: config.temporal.taskQueues.orchestration,
    args: [{ trunk, repoUrl }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: [{ key: Trunk, value: trunk }, { key: Stage, value: 'remote-import' }],
    staticSummary: `Import ${repoUrl} into trunk ${trunk}`,
  });
}
