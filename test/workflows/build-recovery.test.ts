import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { trunkPaths } from '../../src/activities/layout';
import { requestDiscovery } from '../../src/control/trunk';
import { PROJECT_ROOT } from '../../src/config';
import { startWorker, type RunningWorker } from '../../src/worker';
import { isolatedStack, uniqueName, type IsolatedStack } from '../support/stack';

jest.setTimeout(300_000);

/** A build host: `trunkflow worker --roles builds` in its own process, so it can be killed outright. */
function startBuildHost(configFile: string, log: string): ChildProcess {
  const out = fs.openSync(log, 'a');
  return spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'trunkflow.js'), '--config', configFile, 'worker', '--roles', 'builds'], {
    stdio: ['ignore', out, out],
    detached: true,
  });
}

function findFiles(dir: string, name: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name === name)
    .map((e) => path.join(e.parentPath, e.name));
}

describe('a build host killed in the middle of builds', () => {
  let stack: IsolatedStack;
  let orchestration: RunningWorker;
  const hosts: ChildProcess[] = [];

  afterAll(async () => {
    for (const h of hosts) {
      try {
        process.kill(-h.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await orchestration?.shutdown();
    await stack?.teardown();
  });

  it('loses no build and builds each exactly once', async () => {
    process.env.TRUNKFLOW_WORKFLOWS_FROM_SOURCE = '1';
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-recovery-'));
    const trunk = uniqueName('kill').replace('_', '-');
    const trunkSettings = {
      name: trunk, release: 'demo', demo: true, buildSlots: 6, buildDriver: 'simulated',
      simulated: { durationMs: 6000 }, timeouts: { build: { heartbeatSeconds: 12 } }, schedule: '1h',
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
    // Kill the host once it is inside simulated builds (their logs exist, no RPM yet).
    const deadline = Date.now() + 120_000;
    while (!findFiles(repos, 'rpmbuild.log').some((f) => fs.readFileSync(f, 'utf8').includes('SIMULATED build of'))) {
      if (Date.now() > deadline) throw new Error(`no build started; host log:\n${fs.readFileSync(hostLog, 'utf8')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    process.kill(-hosts[0].pid!, 'SIGKILL');
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

    // At least one build activity really ran twice: once on the killed host, once on the new one.
    let retried = 0;
    for await (const wf of stack.client.workflow.list({ query: `Trunk = '${trunk}' AND WorkflowType = 'buildPackage'` })) {
      const history = await stack.client.workflow.getHandle(wf.workflowId).fetchHistory();
      const attempts = (history.events ?? [])
        .filter((e) => e.activityTaskStartedEventAttributes)
        .map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1);
      if (attempts.some((a) => a > 1)) retried++;
    }
    expect(retried).toBeGreaterThan(0);
  });
});
