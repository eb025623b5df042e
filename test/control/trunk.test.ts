import { ensureDiscoverySchedules } from '../../src/control/trunk';
import { isolatedStack, uniqueName, type IsolatedStack } from '../support/stack';

describe('trunk schedules', () => {
  let stack: IsolatedStack;
  const trunk = uniqueName('sched').replace('_', '-');
  beforeAll(async () => {
    stack = await isolatedStack({ trunks: [{ name: trunk, release: 'flamingo', schedule: '5m' }] });
  });
  afterAll(async () => {
    if (!stack) return;
    await stack.client.schedule.getHandle(`discover:${trunk}`).delete().catch(() => undefined);
    await stack.teardown();
  });

  it("creates each trunk's discovery Schedule once, at the trunk's cadence", async () => {
    expect(await ensureDiscoverySchedules(stack.client, stack.config)).toEqual([`discover:${trunk}`]);
    expect(await ensureDiscoverySchedules(stack.client, stack.config)).toEqual([]); // already there: nothing new
    const described = await stack.client.schedule.getHandle(`discover:${trunk}`).describe();
    expect(described.spec.intervals?.[0].every).toBe(5 * 60 * 1000);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'triggerDiscovery', taskQueue: stack.taskQueue });
    expect(described.action.type === 'startWorkflow' && described.action.args).toEqual([{ trunk, reason: 'schedule' }]);
  });
});
