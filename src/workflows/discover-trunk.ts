import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { DiscoveryActivities } from '../activities';
import type { BuildRequest } from '../domain/trunk-build';
import { Stage, Trunk } from '../domain/search-attributes';

const { listTrunkPackages } = proxyActivities<DiscoveryActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['RdoinfoError', 'ConfigError'] },
});
const { discoverPackageCommits } = proxyActivities<DiscoveryActivities>({
  // A first clone of a big repository takes a while; fetches after it are incremental.
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes', maximumAttempts: 3 },
});

/** How many packages' git repositories are refreshed at once. */
const DISCOVERY_CONCURRENCY = 8;

export interface DiscoverInput {
  trunk: string;
  /** Only these packages; all of the trunk's when absent. */
  packages?: string[];
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
  await Promise.all(Array.from({ length: Math.min(DISCOVERY_CONCURRENCY, wanted.length) }, lane));
  return result;
}
