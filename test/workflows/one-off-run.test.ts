import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDemoTrunk, pushUpstreamCommit, type DemoTrunk } from '../../src/activities/demo';
import { trunkPaths } from '../../src/activities/layout';
import { oneOffResult, startOneOffRun } from '../../src/control/trunk';
import { shardedCommitDir } from '../../src/domain/trunk/hashes';
import { startWorker, type RunningWorker } from '../../src/worker';
import { isolatedStack, uniqueName, type IsolatedStack } from '../support/stack';

jest.setTimeout(300_000);

describe('one-off runs from the CLI (oneOffRun on the demo trunk: real git, rpmbuild, createrepo_c)', () => {
  let stack: IsolatedStack;
  let worker: RunningWorker;
  let demo: DemoTrunk;
  let trunk: string;
  let repos: string;
  const run = async (packages: string[], flags: { headOnly?: boolean; order?: boolean; dev?: boolean } = {}) => {
    const id = await startOneOffRun(stack.client, stack.config, { trunk, packages, headOnly: false, order: false, dev: false, ...flags });
    return { id, builds: await oneOffResult(stack.client, id) };
  };
  const rows = async (pkg: string) =>
    (await stack.pool.query<{ commit_hash: string; status: string }>('SELECT commit_hash, status FROM commits WHERE trunk = $1 AND project_name = $2 ORDER BY id', [trunk, pkg])).rows;

  beforeAll(async () => {
    process.env.TRUNKFLOW_WORKFLOWS_FROM_SOURCE = '1';
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-oneoff-'));
    trunk = uniqueName('oneoff').replace('_', '-');
    demo = await generateDemoTrunk(path.join(data, 'demo'));
    stack = await isolatedStack({ paths: { data }, trunks: [{ name: trunk, release: 'demo', demo: true, buildSlots: 2, schedule: '1h', reviews: false }] });
    repos = trunkPaths(stack.config, trunk).repos;
    worker = await startWorker(stack.config);
  });

  afterAll(async () => {
    await worker?.shutdown();
    await stack?.teardown();
  });

  it('builds only the named package, through the trunk, as a workflow visible by its Stage and Package', async () => {
    const alpha = demo.packages[0].name;
    const { id, builds } = await run([alpha]);
    expect(builds).toHaveLength(1); // a new package: its HEAD only
    expect(builds[0]).toMatchObject({ packageName: alpha, status: 'SUCCESS' });
    expect((await rows(alpha)).map((r) => r.status)).toEqual(['SUCCESS']);
    expect(fs.realpathSync(path.join(repos, 'current'))).toBe(fs.realpathSync(path.join(repos, builds[0].repoDir)));
    const other = await stack.pool.query('SELECT count(*)::int AS n FROM commits WHERE trunk = $1 AND project_name <> $2', [trunk, alpha]);
    expect(other.rows[0].n).toBe(0);
    const found = await stack.client.workflow.count(`Trunk = '${trunk}' AND Stage = 'one-off' AND Package = '${alpha}' AND WorkflowId = '${id}'`);
    expect(found.count).toBe(1);
  });

  it('--head-only builds the newest of several new commits, where a plain run builds each', async () => {
    const alpha = demo.packages[0];
    await pushUpstreamCommit(demo, alpha.project, 'first change');
    const newest = await pushUpstreamCommit(demo, alpha.project, 'second change');
    const { builds } = await run([alpha.name], { headOnly: true });
    expect(builds.map((b) => [b.commitHash, b.status])).toEqual([[newest.sha, 'SUCCESS']]);
    expect((await rows(alpha.name)).map((r) => r.commit_hash)).toHaveLength(2);
    expect((await run([alpha.name])).builds).toEqual([]); // nothing new: DLRN builds nothing
  });

  it('--dev builds HEAD again, into a dir of its own, and records nothing', async () => {
    const alpha = demo.packages[0].name;
    const before = await rows(alpha);
    const current = fs.realpathSync(path.join(repos, 'current'));
    const { builds } = await run([alpha], { dev: true });
    expect(builds).toHaveLength(1);
    expect(builds[0].status).toBe('SUCCESS');
    expect(builds[0].repoDir).toBe(`${shardedCommitDir({ commitHash: builds[0].commitHash, distroHash: builds[0].distroHash })}_dev`);
    expect(builds[0].commitHash).toBe(before[before.length - 1].commit_hash);
    expect(fs.readdirSync(path.join(repos, builds[0].repoDir)).some((f) => f.endsWith('.noarch.rpm'))).toBe(true);
    expect(await rows(alpha)).toEqual(before);
    expect(fs.realpathSync(path.join(repos, 'current'))).toBe(current);
  });

  it('--order builds one at a time, each new package once', async () => {
    const names = [demo.packages[1].name, demo.packages[2].name];
    const { builds } = await run(names, { order: true });
    expect(builds.map((b) => b.packageName).sort()).toEqual([...names].sort());
    expect(builds.every((b) => b.status === 'SUCCESS')).toBe(true);
  });

  it('fails with a message naming a package the trunk does not have', async () => {
    await expect(run(['no-such-package'])).rejects.toMatchObject({ cause: { message: `--package: no-such-package is not in trunk ${trunk}` } });
  });
});
