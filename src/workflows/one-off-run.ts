import { ApplicationFailure, executeChild, proxyActivities, upsertSearchAttributes, uuid4 } from '@temporalio/workflow';
import type { BuildActivities, ControlActivities, DiscoveryActivities, OneOffActivities } from '../activities';
import { TRUNK_TIMEOUT_DEFAULTS } from '../config/timeouts';
import { Stage, Trunk } from '../domain/search-attributes';
import type { BuildRequest } from '../domain/trunk-build';
import { orderForBuild } from '../domain/trunk/commit-selection';
import { buildWorkflowId, shardedCommitDir } from '../domain/trunk/hashes';
import { devRequest, headOnlyRequests, orderByBuildRequires, type OneOffBuild, type OneOffOptions } from '../domain/trunk/one-off';
import { discoverTrunk } from './discover-trunk';

const { listTrunkPackages } = proxyActivities<DiscoveryActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['RdoinfoError', 'ConfigError'] },
});
const { headBuildRequest, specDependencies } = proxyActivities<OneOffActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumAttempts: 3 },
});
const { enqueueTrunkBuilds } = proxyActivities<ControlActivities>({ startToCloseTimeout: '1 minute', retry: { maximumAttempts: 5 } });
const { awaitBuild } = proxyActivities<ControlActivities>({
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

/** The builds task queue comes from the configuration, through src/control. */
export type OneOffInput = OneOffOptions & { buildTaskQueue: string };

/**
 * A one-off run of some packages, as DLRN's `dlrn --package-name` runs:
 * their new commits (DLRN's rules; the newest only with headOnly) are built
 * by the trunk like any other, one after the other in BuildRequires order
 * with `order`. With `dev`, each package's HEAD is built on a build host and
 * nothing is recorded: no row, no label moves, no mail, its own repo dir.
 */
export async function oneOffRun(input: OneOffInput): Promise<OneOffBuild[]> {
  upsertSearchAttributes([{ key: Trunk, value: input.trunk }, { key: Stage, value: 'one-off' }]);
  const known = new Set((await listTrunkPackages(input.trunk)).map((p) => p.name));
  const unknown = input.packages.filter((p) => !known.has(p));
  if (unknown.length > 0) {
    throw ApplicationFailure.nonRetryable(`--package: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in trunk ${input.trunk}`, 'OneOffError');
  }

  let requests: BuildRequest[];
  if (input.dev) {
    requests = (await Promise.all(input.packages.map((p) => headBuildRequest(input.trunk, p)))).map(devRequest);
  } else {
    const found = await executeChild(discoverTrunk, {
      workflowId: `discover:${input.trunk}:${uuid4()}`,
      args: [{ trunk: input.trunk, packages: input.packages }],
      typedSearchAttributes: [{ key: Trunk, value: input.trunk }, { key: Stage, value: 'discover' }],
    });
    if (found.skipped.length > 0) {
      throw ApplicationFailure.nonRetryable(`discovery failed: ${found.skipped.map((s) => `${s.packageName}: ${s.reason}`).join('; ')}`, 'OneOffError');
    }
    requests = orderForBuild(found.requests);
    if (input.headOnly) requests = headOnlyRequests(requests);
  }
  if (input.order) requests = orderByBuildRequires(requests, new Map(Object.entries(await specDependencies(input.trunk, requests))));

  if (input.dev) {
    const timeouts = TRUNK_TIMEOUT_DEFAULTS.build;
    const { buildCommit } = proxyActivities<BuildActivities>({
      taskQueue: input.buildTaskQueue,
      startToCloseTimeout: timeouts.startToCloseMinutes * 60_000,
      heartbeatTimeout: timeouts.heartbeatSeconds * 1000,
      retry: { initialInterval: timeouts.retryInitialSeconds * 1000, maximumAttempts: timeouts.maximumAttempts },
    });
    const build = async (req: BuildRequest): Promise<OneOffBuild> => {
      const attempt = await buildCommit(req, 0);
      return { packageName: req.packageName, commitHash: req.commitHash, distroHash: req.distroHash, status: attempt.ok ? 'SUCCESS' : attempt.failure?.status ?? 'FAILED', repoDir: attempt.repoDir };
    };
    if (!input.order) return Promise.all(requests.map(build));
    const out: OneOffBuild[] = [];
    for (const req of requests) out.push(await build(req));
    return out;
  }

  const waitFor = async (req: BuildRequest): Promise<OneOffBuild> => {
    const result = await awaitBuild(buildWorkflowId(req.trunk, req.packageName, req));
    return { packageName: req.packageName, commitHash: req.commitHash, distroHash: req.distroHash, status: result.status, repoDir: shardedCommitDir(req) };
  };
  if (!input.order) {
    await enqueueTrunkBuilds(input.trunk, requests);
    return Promise.all(requests.map(waitFor));
  }
  // DLRN's --order implies --sequential: the next build is queued once the previous one is done.
  const out: OneOffBuild[] = [];
  for (const req of requests) {
    await enqueueTrunkBuilds(input.trunk, [req]);
    out.push(await waitFor(req));
  }
  return out;
}
