/** Steers trunk workflows from outside: discovery requests, enqueues, recheck, status and the discovery Schedules. */
import {
  ScheduleAlreadyRunning, ScheduleOverlapPolicy, WithStartWorkflowOperation, WorkflowIdConflictPolicy, WorkflowNotFoundError, type Client,
} from '@temporalio/client';
import { buildLookaheadOf, findTrunk, type Config } from '../config';
import { Package, Stage, Trunk } from '../domain/search-attributes';
import type { BuildRequest, PostBuildResult, RecheckAnswer } from '../domain/trunk-build';
import { oneOffProblem, type OneOffBuild, type OneOffOptions } from '../domain/trunk/one-off';
import type { PendingBuild } from '../domain/trunk/reports';
import { trunk, type TrunkInput } from '../workflows/trunk';
import { triggerDiscovery } from '../workflows/trigger-discovery';
import { purgeTrunk } from '../workflows/purge-trunk';
import { oneOffRun } from '../workflows/one-off-run';
import type { buildPackage } from '../workflows/build-package';
import type { PurgeReport } from '../domain/trunk/purge';
import { discoverSignal, enqueueSignal, recheckUpdate, trunkStatusQuery, trunkWorkflowId, type TrunkStatus } from '../workflows/messages';

/** The trunk workflow's input, from the trunk's configuration. */
export function trunkInput(config: Config, name: string): TrunkInput {
  const t = findTrunk(config, name);
  return {
    trunk: t.name, buildSlots: t.buildSlots, maxRetries: t.maxRetries, buildTaskQueue: config.temporal.taskQueues.builds,
    buildLookahead: buildLookaheadOf(t), timeouts: t.timeouts,
  };
}

/** The trunk workflow's start options: one per trunk, started by the first message to it. */
function trunkStart(config: Config, name: string) {
  const t = findTrunk(config, name);
  return {
    workflowId: trunkWorkflowId(t.name),
    taskQueue: config.temporal.taskQueues.orchestration,
    args: [trunkInput(config, t.name)] as [TrunkInput],
    typedSearchAttributes: [{ key: Trunk, value: t.name }, { key: Stage, value: 'trunk' }],
    staticSummary: `Trunk ${t.name} (${t.release}/${t.distro})`,
  };
}

/** Asks a trunk to discover new commits now (all packages, or some); starts the trunk if needed. */
export async function requestDiscovery(client: Client, config: Config, name: string, packages: string[] | undefined, reason: string): Promise<string> {
  const handle = await client.workflow.signalWithStart(trunk, { ...trunkStart(config, name), signal: discoverSignal, signalArgs: [{ packages, reason }] });
  return handle.workflowId;
}

/** Starts the trunk workflow unless it runs (an import reports its build to it). */
export async function ensureTrunkRunning(client: Client, config: Config, name: string): Promise<void> {
  await client.workflow.start(trunk, { ...trunkStart(config, name), workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING });
}

/** Queues builds found elsewhere (an import, a benchmark) on a trunk. */
export async function enqueueBuilds(client: Client, config: Config, name: string, requests: BuildRequest[]): Promise<void> {
  await client.workflow.signalWithStart(trunk, { ...trunkStart(config, name), signal: enqueueSignal, signalArgs: [requests] });
}

/**
 * `trunkflow recheck` and the API's recheck_package: asks the trunk (starting
 * it if needed) to rebuild a package whose latest build FAILED, and returns
 * its answer: rechecked, or DLRN's reason why not.
 */
export async function requestRecheck(client: Client, config: Config, name: string, packageName: string): Promise<RecheckAnswer> {
  const startWorkflowOperation = new WithStartWorkflowOperation(trunk, {
    ...trunkStart(config, name),
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  return client.workflow.executeUpdateWithStart(recheckUpdate, { args: [{ packageName }], startWorkflowOperation });
}

/** The trunk workflow's queue, running builds and counters. */
export async function trunkStatus(client: Client, config: Config, name: string): Promise<TrunkStatus> {
  return client.workflow.getHandle(trunkWorkflowId(findTrunk(config, name).name)).query(trunkStatusQuery);
}

/** The discovery Schedule of a trunk. */
export function discoveryScheduleId(name: string): string {
  return `discover:${name}`;
}

/** Creates each trunk's discovery Schedule (DLRN's cron cadence) unless it exists; returns the new ones. */
export async function ensureDiscoverySchedules(client: Client, config: Config): Promise<string[]> {
  const created: string[] = [];
  for (const t of config.trunks) {
    const scheduleId = discoveryScheduleId(t.name);
    try {
      await client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every: t.schedule as `${number}m` }] },
        action: {
          type: 'startWorkflow',
          workflowType: triggerDiscovery,
          args: [{ trunk: t.name, reason: 'schedule' }],
          taskQueue: config.temporal.taskQueues.orchestration,
          typedSearchAttributes: [{ key: Trunk, value: t.name }, { key: Stage, value: 'discover' }],
        },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
        state: { triggerImmediately: true, note: `trunkflow: discover new commits of trunk ${t.name}` },
      });
      created.push(scheduleId);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
  }
  return created;
}

/**
 * The builds waiting in a trunk's queue, in build order, with their commit
 * dates (DLRN's queue.html); empty when the trunk workflow is not running.
 */
export async function queuedBuilds(client: Client, config: Config, name: string): Promise<PendingBuild[]> {
  try {
    const status = await trunkStatus(client, config, name);
    return status.queued.map((q) => ({ projectName: q.packageName, commitHash: q.commitHash, dtCommit: q.dtCommit }));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return [];
    throw err;
  }
}

/** The purge Schedule of a trunk. */
export function purgeScheduleId(name: string): string {
  return `purge:${name}`;
}

/** Creates the purge Schedule (DLRN's dlrn-purge cron) of each trunk that purges, unless it exists; returns the new ones. */
export async function ensurePurgeSchedules(client: Client, config: Config): Promise<string[]> {
  const created: string[] = [];
  for (const t of config.trunks.filter((x) => x.purge.enabled)) {
    const scheduleId = purgeScheduleId(t.name);
    try {
      await client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every: t.purge.schedule as `${number}h` }] },
        action: {
          type: 'startWorkflow',
          workflowType: purgeTrunk,
          // keepDays is read from the configuration when the purge runs, so a change needs no new Schedule.
          args: [{ trunk: t.name, dryRun: false }],
          taskQueue: config.temporal.taskQueues.orchestration,
          typedSearchAttributes: [{ key: Trunk, value: t.name }, { key: Stage, value: 'purge' }],
        },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
        state: { note: `trunkflow: purge builds of trunk ${t.name} older than its purge.keepDays` },
      });
      created.push(scheduleId);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
  }
  return created;
}

/**
 * `trunkflow trunk purge`: runs a purge of the trunk now as a workflow
 * (visible in the Web UI, Stage purge or purge-dry-run) and returns its report.
 */
export async function runPurge(client: Client, config: Config, name: string, opts: { dryRun: boolean; keepDays?: number }): Promise<PurgeReport> {
  const t = findTrunk(config, name);
  return client.workflow.execute(purgeTrunk, {
    workflowId: `purge:${t.name}:${opts.dryRun ? 'dry-run:' : ''}${new Date().toISOString()}`,
    taskQueue: config.temporal.taskQueues.orchestration,
    args: [{ trunk: t.name, dryRun: opts.dryRun, keepDays: opts.keepDays }],
    typedSearchAttributes: [{ key: Trunk, value: t.name }, { key: Stage, value: opts.dryRun ? 'purge-dry-run' : 'purge' }],
    staticSummary: `Purge ${t.name}${opts.dryRun ? ' (dry run)' : ''}`,
  });
}

/**
 * `trunkflow trunk build`: a one-off run of some packages (DLRN's
 * `--package-name` with `--head-only`, `--order`, `--dev`), as a workflow
 * (Stage one-off); returns its workflow ID at once.
 */
export async function startOneOffRun(client: Client, config: Config, opts: OneOffOptions): Promise<string> {
  const t = findTrunk(config, opts.trunk);
  const problem = oneOffProblem(opts);
  if (problem) throw new Error(problem);
  const flags = [opts.headOnly && 'head-only', opts.order && 'order', opts.dev && 'dev'].filter(Boolean);
  const handle = await client.workflow.start(oneOffRun, {
    workflowId: `one-off:${t.name}:${opts.packages.join(',')}:${new Date().toISOString()}`,
    taskQueue: config.temporal.taskQueues.orchestration,
    args: [{ ...opts, trunk: t.name, buildTaskQueue: config.temporal.taskQueues.builds }],
    typedSearchAttributes: [
      { key: Trunk, value: t.name }, { key: Stage, value: 'one-off' },
      ...(opts.packages.length === 1 ? [{ key: Package, value: opts.packages[0] }] : []),
    ],
    staticSummary: `One-off build of ${opts.packages.join(', ')} on ${t.name}${flags.length ? ` (${flags.join(', ')})` : ''}`,
  });
  return handle.workflowId;
}

/** The result of a one-off run, waiting for it. */
export async function oneOffResult(client: Client, workflowId: string): Promise<OneOffBuild[]> {
  return client.workflow.getHandle<typeof oneOffRun>(workflowId).result();
}

/** A build workflow's result; a build still waiting in the trunk's queue is waited for until it starts. */
export async function buildResult(client: Client, workflowId: string, pollMs = 2000): Promise<PostBuildResult> {
  for (;;) {
    try {
      return await client.workflow.getHandle<typeof buildPackage>(workflowId).result();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}

/** What activities need of the trunk workflows, bound to a client and configuration. */
export interface TrunkSteering {
  requestDiscovery(trunk: string, packages: string[] | undefined, reason: string): Promise<string>;
  queuedBuilds(trunk: string): Promise<PendingBuild[]>;
  enqueueBuilds(trunk: string, requests: BuildRequest[]): Promise<void>;
  /** Waits for a build workflow's result (its post-build included). */
  buildResult(workflowId: string): Promise<PostBuildResult>;
}

export function trunkSteering(client: Client, config: Config): TrunkSteering {
  return {
    requestDiscovery: (name, packages, reason) => requestDiscovery(client, config, name, packages, reason),
    queuedBuilds: (name) => queuedBuilds(client, config, name),
    enqueueBuilds: (name, requests) => enqueueBuilds(client, config, name, requests),
    buildResult: (workflowId) => buildResult(client, workflowId),
  };
}

/**
 * Durations (seconds, start to close, post-build included) of the trunk's
 * build workflows that completed in the last `sinceSeconds`, from Temporal's
 * visibility store; at most `max` of them.
 */
export async function recentBuildDurations(client: Client, config: Config, name: string, sinceSeconds: number, max = 5000): Promise<number[]> {
  const t = findTrunk(config, name);
  const since = new Date(Date.now() - sinceSeconds * 1000).toISOString();
  const durations: number[] = [];
  const query = `Trunk = '${t.name}' AND WorkflowType = 'buildPackage' AND ExecutionStatus = 'Completed' AND CloseTime > '${since}'`;
  for await (const wf of client.workflow.list({ query, pageSize: 1000 })) {
    if (wf.closeTime && wf.startTime) durations.push((wf.closeTime.getTime() - wf.startTime.getTime()) / 1000);
    if (durations.length >= max) break;
  }
  return durations;
}
