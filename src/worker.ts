/** The worker process: builds every dependency once and polls the configured task queues. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode, type LogLevel, type WorkflowBundleOption } from '@temporalio/worker';
import { PROJECT_ROOT, demoDir, type Config } from './config';
import { createPool } from './db/pool';
import { Client, Connection } from '@temporalio/client';
import { createBuildActivities, createOrchestrationActivities } from './activities';
import { createPackageSource } from './activities/pkginfo/source';
import { generateDemoTrunk } from './activities/demo';
import { trunkSteering } from './control/trunk';

/** Where `npm run build` writes the prebuilt workflow bundle. */
export const WORKFLOW_BUNDLE_PATH = path.join(PROJECT_ROOT, 'dist', 'workflow-bundle.js');
export const WORKFLOWS_PATH = require.resolve('./workflows');

/** Bundles the workflow code once, at build time, so workers start without webpack. */
export async function writeWorkflowBundle(target = WORKFLOW_BUNDLE_PATH): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, code);
}

const quietBundlerLogger = {
  log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (message: string) => console.warn(message), error: (message: string) => console.error(message),
};

function workflowSource(): WorkflowBundleOption | { workflowsPath: string } {
  // Tests run from sources (no build step); every other start uses the prebuilt bundle.
  if (process.env.TRUNKFLOW_WORKFLOWS_FROM_SOURCE === '1' || !fs.existsSync(WORKFLOW_BUNDLE_PATH)) {
    return { workflowsPath: WORKFLOWS_PATH };
  }
  return { codePath: WORKFLOW_BUNDLE_PATH };
}

export interface RunningWorker {
  /** Resolves when every worker has stopped. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export interface WorkerRoles {
  /** Workflows and light activities. */
  orchestration: boolean;
  /** Build activities; run this role on build hosts. */
  builds: boolean;
}

let runtimeInstalled = false;

/** The SDK logs at WARN unless TRUNKFLOW_LOG_LEVEL says otherwise: worker state chatter is not news. */
function installRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level = (process.env.TRUNKFLOW_LOG_LEVEL ?? 'WARN').toUpperCase() as LogLevel;
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // Already installed by the embedding process (tests may install their own).
  }
}

/** Starts the workers of the configured task queues and returns once they poll. */
export async function startWorker(config: Config, roles: WorkerRoles = { orchestration: true, builds: true }): Promise<RunningWorker> {
  installRuntime();
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const clientConnection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const pool = createPool(config.database.url);
  // The demo trunk's packages are generated git histories: made before anything reads them.
  if (config.trunks.some((t) => t.demo)) await generateDemoTrunk(demoDir(config.paths.data));
  const packages = createPackageSource(config);
  const workers: Worker[] = [];
  if (roles.orchestration) {
    const source = workflowSource();
    workers.push(await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueues.orchestration,
      ...('codePath' in source ? { workflowBundle: source } : source),
      activities: createOrchestrationActivities({ pool, config, packages, steering: trunkSteering(client, config) }),
    }));
  }
  if (roles.builds) {
    // One build per slot of the widest trunk: builds are CPU-bound processes.
    const slots = Math.max(1, ...config.trunks.map((t) => t.buildSlots));
    workers.push(await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueues.builds,
      activities: createBuildActivities({ config, packages }),
      maxConcurrentActivityTaskExecutions: slots,
    }));
  }
  const done = Promise.all(workers.map((w) => w.run())).then(
    () => undefined,
  ).finally(async () => {
    await pool.end().catch(() => undefined);
    await clientConnection.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
  });
  return {
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
