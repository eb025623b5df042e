import { proxyActivities } from '@temporalio/workflow';
import type { ControlActivities } from '../activities';

const { signalTrunkDiscovery } = proxyActivities<ControlActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5 },
});

/**
 * What a trunk's Temporal Schedule starts every few minutes (DLRN's cron):
 * asks the trunk workflow, starting it if needed, to look for new commits.
 */
export async function triggerDiscovery(input: { trunk: string; packages?: string[]; reason?: string }): Promise<void> {
  await signalTrunkDiscovery(input.trunk, input.packages, input.reason ?? 'schedule');
}
