/** Starts the syncPackages workflow of a release. */
import { WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { Release, Stage } from '../domain/search-attributes';
import type { SyncPackagesResult } from '../activities/packages';
import { syncPackages, syncPackagesWorkflowId } from '../workflows/sync-packages';

/** Starts syncPackages for a release (attaching to a running one); waits for its result when asked. */
export async function startSyncPackages(client: Client, config: Config, release: string, wait: boolean): Promise<SyncPackagesResult | string> {
  const handle = await client.workflow.start(syncPackages, {
    workflowId: syncPackagesWorkflowId(release),
    taskQueue: config.temporal.taskQueues.orchestration,
    args: [{ release }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: [{ key: Release, value: release }, { key: Stage, value: 'sync-packages' }],
    staticSummary: `Sync rdoinfo packages of ${release}`,
  });
  return wait ? await handle.result() : handle.workflowId;
}
