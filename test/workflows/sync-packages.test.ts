import { NativeConnection } from '@temporalio/worker';
import { WorkflowIdConflictPolicy } from '@temporalio/client';
import { syncPackages } from '../../src/workflows';
import { Release } from '../../src/domain/search-attributes';
import { isolatedStack, orchestrationWorker, uniqueName, type IsolatedStack } from '../support/stack';

describe('syncPackages workflow', () => {
  let stack: IsolatedStack;
  let connection: NativeConnection;
  beforeAll(async () => {
    stack = await isolatedStack();
    connection = await NativeConnection.connect({ address: stack.config.temporal.address });
  });
  afterAll(async () => {
    await connection?.close();
    await stack?.teardown();
  });

  // Every task replays the whole history (no cache): nondeterminism shows at once.
  const newWorker = () =>
    orchestrationWorker(stack, connection, { maxCachedWorkflows: 0 });

  it('records the release packages in projects and carries the release search attribute', async () => {
    const worker = await newWorker();
    const workflowId = uniqueName('sync-packages:flamingo');
    const result = await worker.runUntil(async () => {
      const handle = await stack.client.workflow.start(syncPackages, {
        workflowId,
        taskQueue: stack.taskQueue,
        args: [{ release: 'flamingo' }],
        typedSearchAttributes: [{ key: Release, value: 'flamingo' }],
      });
      const first = await handle.result();
      const described = await handle.describe();
      expect(described.typedSearchAttributes.get(Release)).toBe('flamingo');
      // A second sync of unchanged data adds and removes nothing.
      const again = await stack.client.workflow.execute(syncPackages, {
        workflowId, taskQueue: stack.taskQueue, args: [{ release: 'flamingo' }],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      return { first, again };
    });
    expect(result.first.packages).toBeGreaterThan(200);
    expect(result.first.added).toHaveLength(result.first.packages);
    expect(result.again.added).toEqual([]);
    expect(result.again.removed).toEqual([]);
    const projects = await stack.pool.query<{ n: string }>('SELECT count(*) AS n FROM projects');
    expect(Number(projects.rows[0].n)).toBe(result.first.packages);
    const nova = await stack.pool.query("SELECT upstream, component FROM packages WHERE release = 'flamingo' AND name = 'openstack-nova'");
    expect(nova.rows[0]).toEqual({ upstream: 'https://opendev.org/openstack/nova', component: 'compute' });
  });

  it('fails with a clear error for an unknown release and records nothing', async () => {
    const worker = await newWorker();
    const before = await stack.pool.query<{ n: string }>('SELECT count(*) AS n FROM packages');
    await worker.runUntil(async () => {
      await expect(
        stack.client.workflow.execute(syncPackages, { workflowId: uniqueName('sync'), taskQueue: stack.taskQueue, args: [{ release: 'nosuchrelease' }] }),
      ).rejects.toMatchObject({ cause: { cause: { message: expect.stringContaining('nosuchrelease') } } });
    });
    const after = await stack.pool.query<{ n: string }>('SELECT count(*) AS n FROM packages');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});
