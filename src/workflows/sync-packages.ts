import { proxyActivities, upsertSearchAttributes, log } from '@temporalio/workflow';
import type { PackageActivities, SyncPackagesInput, SyncPackagesResult } from '../activities/packages';
import { Release, Stage } from '../domain/search-attributes';

const { recordRdoinfoPackages } = proxyActivities<PackageActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: ['RdoinfoError'] },
});

/** Workflow ID for a release's package sync: one at a time per release. */
export function syncPackagesWorkflowId(release: string): string {
  return `sync-packages:${release}`;
}

/** Loads rdoinfo for a release and records its packages (DLRN's `projects`). */
export async function syncPackages(input: SyncPackagesInput): Promise<SyncPackagesResult> {
  upsertSearchAttributes([
    { key: Release, value: input.release },
    { key: Stage, value: 'sync-packages' },
  ]);
  const result = await recordRdoinfoPackages(input);
  log.info('packages synced', { release: result.release, packages: result.packages, added: result.added.length, removed: result.removed.length });
  return result;
}
