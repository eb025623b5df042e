/** `trunkflow status`: where each part of the stack is and whether it answers. */
import type { Config } from '../config';
import { connectClient } from '../control/client';
import { createPool, ping } from '../db/pool';

export interface PartStatus {
  url: string;
  up: boolean;
  detail?: string;
}

export interface StackStatus {
  temporal: PartStatus & { namespace: string };
  ui: PartStatus;
  api: PartStatus;
  database: PartStatus;
  worker: PartStatus & { taskQueue: string; pollers: number };
}

/** A database URL without its password, fit to print. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

async function httpAnswers(url: string): Promise<{ up: boolean; detail?: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return res.ok ? { up: true } : { up: false, detail: `HTTP ${res.status}` };
  } catch (err) {
    return { up: false, detail: (err as Error).cause ? String((err as { cause: Error }).cause.message) : (err as Error).message };
  }
}

/** Probes every part of the stack the configuration names. */
export async function stackStatus(config: Config): Promise<StackStatus> {
  const taskQueue = config.temporal.taskQueues.orchestration;
  const status: StackStatus = {
    temporal: { url: config.temporal.address, namespace: config.temporal.namespace, up: false },
    ui: { url: config.temporal.uiUrl, up: false },
    api: { url: config.http.publicUrl, up: false },
    database: { url: redactUrl(config.database.url), up: false },
    worker: { url: config.temporal.address, taskQueue, pollers: 0, up: false },
  };
  const temporalProbe = (async () => {
    try {
      const { client, connection } = await connectClient(config, 3000);
      try {
        await client.workflowService.describeNamespace({ namespace: config.temporal.namespace });
        status.temporal.up = true;
        const tq = await client.workflowService.describeTaskQueue({
          namespace: config.temporal.namespace,
          taskQueue: { name: taskQueue },
          taskQueueType: 1, // workflow pollers
        });
        status.worker.pollers = tq.pollers?.length ?? 0;
        status.worker.up = status.worker.pollers > 0;
        if (!status.worker.up) status.worker.detail = 'no worker polls the task queue';
      } finally {
        await connection.close();
      }
    } catch (err) {
      status.temporal.detail = (err as Error).message;
      status.worker.detail = 'Temporal is not reachable';
    }
  })();
  const dbProbe = (async () => {
    const pool = createPool(config.database.url, 1);
    try {
      await ping(pool);
      status.database.up = true;
    } catch (err) {
      status.database.detail = (err as Error).message;
    } finally {
      await pool.end();
    }
  })();
  const [ui, api] = await Promise.all([httpAnswers(config.temporal.uiUrl), httpAnswers(`${config.http.publicUrl}/api/health`), temporalProbe, dbProbe]);
  Object.assign(status.ui, ui);
  Object.assign(status.api, api);
  return status;
}
