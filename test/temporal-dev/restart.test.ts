import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { PROJECT_ROOT } from '../../src/config';
import { stackEnv, uniqueName } from '../support/stack';

jest.setTimeout(180_000);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('temporal-dev/up and down', () => {
  it('keeps finished and running workflows across down and up', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-devstack-'));
    const port = await freePort();
    const env = {
      ...process.env,
      TRUNKFLOW_STATE_DIR: stateDir,
      TEMPORAL_PORT: String(port),
      TEMPORAL_UI_PORT: String(await freePort()),
      TRUNKFLOW_TEMPORAL_DB: path.join(stateDir, 'temporal.sqlite'),
      TRUNKFLOW_HEADLESS: '1',
      // PostgreSQL is not under test here: point at the test stack's so `up` starts none.
      DATABASE_URL: stackEnv().adminDatabaseUrl,
    };
    const script = (name: string) =>
      execFileSync('bash', [path.join(PROJECT_ROOT, 'temporal-dev', name)], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const connect = async () => {
      const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
      return { connection, client: new Client({ connection }) };
    };
    script('up');
    try {
      expect(script('up')).toContain(`127.0.0.1:${port}`); // idempotent: a second up starts nothing new
      const running = uniqueName('still-running');
      const finished = uniqueName('finished');
      let { connection, client } = await connect();
      // Nobody polls this task queue: the first stays running; the second is terminated (closed).
      const queue = uniqueName('nobody');
      await client.workflow.start('noSuchWorkflow', { workflowId: running, taskQueue: queue });
      const toFinish = await client.workflow.start('noSuchWorkflow', { workflowId: finished, taskQueue: queue });
      await toFinish.terminate('finished for the test');
      await connection.close();

      script('down');
      await expect(Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 1000 })).rejects.toThrow();
      script('up');

      ({ connection, client } = await connect());
      try {
        expect((await client.workflow.getHandle(running).describe()).status.name).toBe('RUNNING');
        expect((await client.workflow.getHandle(finished).describe()).status.name).toBe('TERMINATED');
        const attrs = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
        expect(Object.keys(attrs.customAttributes ?? {})).toEqual(expect.arrayContaining(['Release', 'Package', 'CommitHash', 'Trunk']));
      } finally {
        await connection.close();
      }
    } finally {
      script('down');
    }
  });
});
