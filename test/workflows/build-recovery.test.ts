import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { trunkPaths } from '../../src/activities/layout';
import { requestDiscovery } from '../../src/control/trunk';
import { startWorker, type RunningWorker } from '../../src/worker';
import { killHost, recoverySeconds, startBuildHost, untilBuilding } from '../support/build-hosts';
import { isolatedStack, uniqueName, type IsolatedStack } from '../support/stack';

jest.setTimeout(300_000);

describe('a build host killed in the middle of builds', () => {
  let stack: IsolatedStack;
  let orchestration: RunningWorker;
  const hosts: ChildProcess[] = [];

  afterAll(async () => {
    for (const h of hosts) killHost(h);
    await orchestration?.shutdown();
    await stack?.teardown();
  });

  it('loses no build and builds each exactly once', async () => {
    process.env.TRUNKFLOW_WORKFLOWS_FROM_SOURCE = '1';
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-recovery-'));
    const trunk = uniqueName('kill').replace('_', '-');
    const trunkSettings = {
      name: trunk, release: 'demo', demo: true, buildSlots: 6, buildDriver: 'simulated',
      simulated: { durationMs: 6000 }, schedule: '1h',
    };
    stack = await isolatedStack({ paths: { data }, trunks: [trunkSettings] });
    const configFile = path.join(data, 'trunkflow.yaml');
    fs.writeFileSync(configFile, stringify({
      temporal: { address: stack.config.temporal.address, taskQueues: stack.config.temporal.taskQueues },
      database: { url: stack.config.database.url },
      paths: { data },
      trunks: [trunkSettings],
    }));
    orchestration = await startWorker(stack.config, { orchestration: true, builds: false });
    const hostLog = path.join(data, 'build-hosts.log');
    hosts.push(startBuildHost(configFile, hostLog));

    await requestDiscovery(stack.client, stack.config, trunk, undefined, 'test');
    const repos = trunkPaths(stack.config, trunk).repos;
    // Kill the host once it is inside simulated builds, and start another at once.
    await untilBuilding(repos, 120_000, hostLog);
    const killedAt = Date.now();
    killHost(hosts[0]);
    hosts.push(startBuildHost(configFile, hostLog));

    const rowsOf = async () =>
      (await stack.pool.query<{ project_name: string; status: string }>('SELECT project_name, status FROM commits WHERE trunk = $1', [trunk])).rows;
    const until = Date.now() + 180_000;
    while ((await rowsOf()).length < 6) {
      if (Date.now() > until) throw new Error(`builds did not finish; host log:\n${fs.readFileSync(hostLog, 'utf8')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 2000)); // a duplicate, if any, would land now
    const rows = await rowsOf();
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.status === 'SUCCESS')).toBe(true);
    expect(new Set(rows.map((r) => r.project_name)).size).toBe(6);

    // The killed builds ran again on the new host, each within 30 s of the kill (default heartbeat timeout).
    const recovered = await recoverySeconds(stack.client, trunk, killedAt);
    expect(recovered.length).toBeGreaterThan(0);
    expect(Math.max(...recovered)).toBeLessThan(30);
  });
});
