import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { PurgeActivities } from '../activities';
import type { PurgeReport, PurgeRequest } from '../domain/trunk/purge';
import { Stage, Trunk } from '../domain/search-attributes';

const { purgeTrunk: purge } = proxyActivities<PurgeActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '30 seconds', maximumInterval: '10 minutes', maximumAttempts: 5, nonRetryableErrorTypes: ['ConfigError'] },
});

/**
 * DLRN's dlrn-purge for one trunk, started by the trunk's purge Schedule or
 * by `trunkflow trunk purge`: old builds lose their repo dirs and get the
 * purged flag; a dry run only reports what would go.
 */
export async function purgeTrunk(input: PurgeRequest): Promise<PurgeReport> {
  upsertSearchAttributes([{ key: Trunk, value: input.trunk }, { key: Stage, value: input.dryRun ? 'purge-dry-run' : 'purge' }]);
  return purge(input);
}
