import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { buildConfig, PROJECT_ROOT, type Config } from '../../src/config';
import { migrate } from '../../src/db/migrate';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createOrchestrationActivities } from '../../src/activities';
import { createPackageSource } from '../../src/activities/pkginfo/source';
import { trunkSteering } from '../../src/control/trunk';
import { WORKFLOWS_PATH } from '../../src/worker';

/** Integration tests run against the stack `npm test` starts (scripts/test.sh). */
export function stackEnv(): { temporalAddress: string; adminDatabaseUrl: string } {
  const temporalAddress = process.env.TRUNKFLOW_TEST_TEMPORAL_ADDRESS;
  const adminDatabaseUrl = process.env.TRUNKFLOW_TEST_DATABASE_URL;
  if (!temporalAddress || !adminDatabaseUrl) {
    throw new Error('integration tests need the test stack: run them through `npm test` (scripts/test.sh starts Temporal and PostgreSQL)');
  }
  return { temporalAddress, adminDatabaseUrl };
}

export const SHARED_RDOINFO = path.resolve(PROJECT_ROOT, '..', 'shared', 'data', 'rdoinfo');

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Per test file: its own database (migrated), task queue and config. */
export interface IsolatedStack {
  config: Config;
  pool: Pool;
  client: Client;
  connection: Connection;
  taskQueue: string;
  teardown(): Promise<void>;
}

export async function isolatedStack(overrides: Record<string, unknown> = {}): Promise<IsolatedStack> {
  const { temporalAddress, adminDatabaseUrl } = stackEnv();
  const dbName = uniqueName('tf_test');
  const admin = new Pool({ connectionString: adminDatabaseUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const dbUrl = new URL(adminDatabaseUrl);
  dbUrl.pathname = `/${dbName}`;
  const taskQueue = uniqueName('tq');
  const config = buildConfig(
    {
      temporal: { address: temporalAddress, taskQueues: { orchestration: taskQueue, builds: `${taskQueue}-builds` } },
      database: { url: dbUrl.toString() },
      rdoinfo: { path: SHARED_RDOINFO },
      http: { port: 0 },
      ...overrides,
    },
    'test',
    PROJECT_ROOT,
    {},
  );
  const pool = new Pool({ connectionString: config.database.url, max: 5 });
  await migrate(pool);
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return {
    config,
    pool,
    client,
    connection,
    taskQueue,
    async teardown() {
      await pool.end();
      await connection.close();
    },
  };
}

/** A worker on the stack's orchestration task queue with the real orchestration activities and workflows. */
export function orchestrationWorker(stack: IsolatedStack, connection: NativeConnection, options: Partial<WorkerOptions> = {}): Promise<Worker> {
  return Worker.create({
    connection, taskQueue: stack.taskQueue, workflowsPath: WORKFLOWS_PATH,
    activities: createOrchestrationActivities({ pool: stack.pool, config: stack.config, packages: createPackageSource(stack.config), steering: trunkSteering(stack.client, stack.config) }),
    ...options,
  });
}
