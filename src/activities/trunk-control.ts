import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  WithStartWorkflowOperation,
  WorkflowIdConflictPolicy,
  type Client,
} from '@temporalio/client';
import { buildLookaheadOf, findTrunk, type Config } from '../config';
import { Stage, Trunk } from '../domain/search-attributes';
import type { BuildRequest, RecheckAnswer } from '../domain/trunk-build';
import { discoverSignal, enqueueSignal, recheckUpdate, trunkWorkflowId } from '../workflows/messages';

/** The trunk workflow's start options: one per trunk, started by the first signal to it. */
function startOf(config: Config, trunk: string) {
  const t = findTrunk(config, trunk);
  return {
    workflowId: trunkWorkflowId(t.name),
    taskQueue: config.temporal.taskQueues.orchestration,
    args: [{
      trunk: t.name, buildSlots: t.buildSlots, maxRetries: t.maxRetries, buildTaskQueue: config.temporal.taskQueues.builds,
      buildLookahead: buildLookaheadOf(t), timeouts: t.timeouts,
    }],
    typedSearchAttributes: [{ key: Trunk, value: t.name }, { key: Stage, value: 'trunk' }],
    staticSummary: `Trunk ${t.name} (${t.release}/${t.distro})`,
  };
}

/** Asks a trunk to discover new commits now (all packages, or some). */
export async function signalDiscovery(client: Client, config: Config, trunk: string, packages: string[] | undefined, reason: string): Promise<string> {
  const handle = await client.workflow.signalWithStart('trunk', { ...startOf(config, trunk), signal: discoverSignal, signalArgs: [{ packages, reason }] });
  return handle.workflowId;
}

/** Queues builds found elsewhere (an import, a benchmark) on a trunk. */
export async function signalEnqueue(client: Client, config: Config, trunk: string, requests: BuildRequest[]): Promise<void> {
  await client.workflow.signalWithStart('trunk', { ...startOf(config, trunk), signal: enqueueSignal, signalArgs: [requests] });
}

/**
 * `trunkflow recheck`: asks the trunk (starting it if needed) to rebuild a
 * package whose latest build FAILED, and returns its answer: rechecked, or
 * DLRN's reason why not.
 */
export async function requestRecheck(client: Client, config: Config, trunk: string, packageName: string): Promise<RecheckAnswer> {
  const startWorkflowOperation = new WithStartWorkflowOperation('trunk', {
    ...startOf(config, trunk),
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  return client.workflow.executeUpdateWithStart(recheckUpdate, { args: [{ packageName }], startWorkflowOperation });
}

/** Creates each trunk's discovery Schedule (DLRN's cron cadence) unless it exists. */
export async function ensureSchedules(client: Client, config: Config): Promise<string[]> {
  const created: string[] = [];
  for (const t of config.trunks) {
    const scheduleId = `discover:${t.name}`;
    try {
      await client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every: t.schedule as `${number}m` }] },
        action: {
          type: 'startWorkflow',
          workflowType: 'triggerDiscovery',
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

/** Activities that steer trunks through the Temporal client (used by the trigger workflow). */
export function createTrunkControlActivities(deps: { client: Client; config: Config }) {
  return {
    async signalTrunkDiscovery(trunk: string, packages: string[] | undefined, reason: string): Promise<string> {
      return signalDiscovery(deps.client, deps.config, trunk, packages, reason);
    },
  };
}

export type TrunkControlActivities = ReturnType<typeof createTrunkControlActivities>;
