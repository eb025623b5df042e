/** Steers trunk workflows from outside: discovery requests, enqueues, recheck, status and the discovery Schedules. */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, WithStartWorkflowOperation, WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import { buildLookaheadOf, findTrunk, type Config } from '../config';
import { Stage, Trunk } from '../domain/search-attributes';
import type { BuildRequest, RecheckAnswer } from '../domain/trunk-build';
import { trunk, type TrunkInput } from '../workflows/trunk';
import { triggerDiscovery } from '../workflows/trigger-discovery';
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

/** What the control activity needs: discovery requests bound to a client and configuration. */
export interface TrunkSteering {
  requestDiscovery(trunk: string, packages: string[] | undefined, reason: string): Promise<string>;
}

export function trunkSteering(client: Client, config: Config): TrunkSteering {
  return { requestDiscovery: (name, packages, reason) => requestDiscovery(client, config, name, packages, reason) };
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
