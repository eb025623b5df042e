import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { trunkPaths } from '../../src/activities/layout';
import { requestDiscovery } from '../../src/control/trunk';
import { trunkStatusQuery, trunkWorkflowId } from '../../src/workflows/messages';
import { startWorker, type RunningWorker } from '../../src/worker';
import { waitFor } from '../support/wait';
import { isolatedStack, uniqueName, type IsolatedStack } from '../support/stack';

jest.setTimeout(300_000);

describe('trunk options', () => {
  let stack: IsolatedStack;
  let worker: RunningWorker;
  const components = uniqueName('comp').replace('_', '-');
  const slow = uniqueName('slow').replace('_', '-');

  beforeAll(async () => {
    process.env.TRUNKFLOW_WORKFLOWS_FROM_SOURCE = '1';
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-options-'));
    stack = await isolatedStack({
      paths: { data },
      trunks: [
        { name: components, release: 'demo', demo: true, useComponents: true, buildSlots: 3, schedule: '1h' },
        { name: slow, release: 'demo', demo: true, buildSlots: 6, buildDriver: 'simulated', simulated: { durationMs: 120_000, sources: false }, timeouts: { build: { heartbeatSeconds: 10 } }, schedule: '1h' },
      ],
    });
    worker = await startWorker(stack.config);
  });

  afterAll(async () => {
    await worker?.shutdown();
    await stack?.teardown();
  });

  it('builds component trees and the md5-named aggregate repo file, as DLRN does with use_components', async () => {
    await requestDiscovery(stack.client, stack.config, components, undefined, 'test');
    const repos = trunkPaths(stack.config, components).repos;
    await waitFor('six builds', async () => {
      const { rows } = await stack.pool.query("SELECT count(*)::int AS n FROM commits WHERE trunk = $1 AND status = 'SUCCESS'", [components]);
      return rows[0].n === 6;
    });
    const { rows } = await stack.pool.query<{ component: string }>('SELECT DISTINCT component FROM commits WHERE trunk = $1 ORDER BY 1', [components]);
    const names = rows.map((r) => r.component);
    expect(names.length).toBeGreaterThan(1);
    for (const c of names) {
      // Each component has its own current, holding only that component's packages.
      const current = path.join(repos, 'component', c, 'current');
      expect(fs.lstatSync(current).isSymbolicLink()).toBe(true);
      expect(fs.readFileSync(path.join(current, 'delorean.repo'), 'utf8')).toContain(`[delorean-component-${c}]`);
    }
    // The top-level current is a directory whose delorean.repo links into <md5[:2]>/<md5[2:4]>/<md5>/.
    const top = path.join(repos, 'current');
    expect(fs.lstatSync(top).isDirectory()).toBe(true);
    const aggregate = fs.readFileSync(path.join(top, 'delorean.repo'), 'utf8');
    const md5 = createHash('md5').update(aggregate).digest('hex');
    expect(fs.readlinkSync(path.join(top, 'delorean.repo'))).toBe(`${md5.slice(0, 2)}/${md5.slice(2, 4)}/${md5}/delorean.repo`);
    expect(fs.readFileSync(path.join(top, 'delorean.repo.md5'), 'utf8')).toBe(md5);
    for (const c of names) expect(aggregate).toContain(`[delorean-component-${c}]`);
  });

  it('cancelling a build stops it, records nothing and frees its package', async () => {
    await requestDiscovery(stack.client, stack.config, slow, undefined, 'test');
    const trunk = stack.client.workflow.getHandle(trunkWorkflowId(slow));
    const running = await waitFor('builds running', async () => {
      const status = await trunk.query(trunkStatusQuery).catch(() => null);
      return status && status.running.length === 6 && status.running;
    });
    const build = await waitFor('a build workflow', async () => {
      for await (const wf of stack.client.workflow.list({ query: `Trunk = '${slow}' AND WorkflowType = 'buildPackage' AND ExecutionStatus = 'Running'` })) return wf;
      return undefined;
    });
    const handle = stack.client.workflow.getHandle(build.workflowId);
    // Let the build activity start and heartbeat once, then cancel.
    await new Promise((r) => setTimeout(r, 6000));
    const cancelledAt = Date.now();
    await handle.cancel();
    const result = await handle.result();
    expect(result.status).toBe('CANCELLED');
    expect(Date.now() - cancelledAt).toBeLessThan(60_000); // far less than the 120 s build
    const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM commits WHERE trunk = $1', [slow]);
    expect(rows[0].n).toBe(0);
    const status = await trunk.query(trunkStatusQuery);
    expect(status.running).toHaveLength(running.length - 1);
  });
});
