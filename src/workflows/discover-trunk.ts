import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { DiscoveryActivities } from '../activities';
import { TRUNK_TIMEOUT_DEFAULTS } from '../config/timeouts';
import type { BuildRequest, TrunkTimeouts } from '../domain/trunk-build';
import { Stage, Trunk } from '../domain/search-attributes';

export interface DiscoverInput {
  trunk: string;
  /** Only these packages; all of the trunk's when absent. */
  packages?: string[];
  /** From the configuration, through the trunk; absent only in runs recorded before inputs carried them. */
  timeouts?: TrunkTimeouts['discovery'];
}

export interface DiscoverResult {
  requests: BuildRequest[];
  /** Packages whose repositories could not be refreshed (DLRN's skiplist). */
  skipped: Array<{ packageName: string; reason: string }>;
}

/**
 * Finds every package's new commits, as DLRN's getinfo does: since the last
 * processed commit, first-parent, oldest first; HEAD only for a new package.
 */
export async function discoverTrunk(input: DiscoverInput): Promise<DiscoverResult> {
  const timeouts = input.timeouts ?? TRUNK_TIMEOUT_DEFAULTS.discovery;
  const { listTrunkPackages } = proxyActivities<DiscoveryActivities>({
    startToCloseTimeout: timeouts.startToCloseMinutes * 60_000,
    retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['RdoinfoError', 'ConfigError'] },
  });
  const { discoverPackageCommits } = proxyActivities<DiscoveryActivities>({
    startToCloseTimeout: timeouts.startToCloseMinutes * 60_000,
    // Git fetches heartbeat every few seconds while they run: a dead worker is noticed within this.
    heartbeatTimeout: timeouts.heartbeatSeconds * 1000,
    retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes', maximumAttempts: 3 },
  });
  upsertSearchAttributes([{ key: Trunk, value: input.trunk }, { key: Stage, value: 'discover' }]);
  const all = await listTrunkPackages(input.trunk);
  const wanted = input.packages ? all.filter((p) => input.packages!.includes(p.name)) : all;
  const result: DiscoverResult = { requests: [], skipped: [] };
  if (input.packages) {
    for (const name of input.packages) {
      if (!all.some((p) => p.name === name)) result.skipped.push({ packageName: name, reason: 'not a package of this trunk' });
    }
  }
  let next = 0;
  const lane = async () => {
    while (next < wanted.length) {
      const pkg = wanted[next++];
      try {
        result.requests.push(...(await discoverPackageCommits(input.trunk, pkg)));
      } catch (err) {
        result.skipped.push({ packageName: pkg.name, reason: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(timeouts.concurrency, wanted.length) }, lane));
  return result;
}
