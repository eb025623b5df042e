import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { trunkPaths } from '../../src/activities/layout';
import { ensurePurgeSchedules, purgeScheduleId, runPurge } from '../../src/control/trunk';
import { insertCommit, type CommitInsert } from '../../src/db/commits';
import { shardedCommitDir } from '../../src/domain/trunk/hashes';
import { startWorker, type RunningWorker } from '../../src/worker';
import { isolatedStack, uniqueName, type IsolatedStack } from '../support/stack';

jest.setTimeout(120_000);

const DAY = 86400;

describe('purge of a trunk (the purgeTrunk workflow on real PostgreSQL and files)', () => {
  let stack: IsolatedStack;
  let worker: RunningWorker;
  let trunk: string;
  let repos: string;
  const ids: Record<string, number> = {};
  const dirs: Record<string, string> = {};

  beforeAll(async () => {
    process.env.TRUNKFLOW_WORKFLOWS_FROM_SOURCE = '1';
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-purge-'));
    trunk = uniqueName('purge').replace('_', '-');
    stack = await isolatedStack({ paths: { data }, trunks: [{ name: trunk, release: 'x', schedule: '1h', purge: { keepDays: 10, schedule: '12h' } }] });
    repos = trunkPaths(stack.config, trunk).repos;
    const now = Math.floor(Date.now() / 1000);
    // name -> [package, commit char, status, age in days]
    const builds: Array<[string, string, string, 'SUCCESS' | 'FAILED', number]> = [
      ['a-old', 'python-a', '1', 'SUCCESS', 40], // an older success of a: goes
      ['a-failed', 'python-a', '2', 'FAILED', 35], // a failure nobody shares: goes
      ['a-newest', 'python-a', '3', 'SUCCESS', 30], // a's newest success: kept, although old
      ['b-consistent', 'python-b', '4', 'SUCCESS', 25], // consistent points at it: kept
      ['c-linked', 'python-c', '5', 'SUCCESS', 24], // the consistent repo links its RPMs: kept
      ['b-promoted', 'python-b', '6', 'SUCCESS', 20], // a promotion names it: kept
      ['c-current', 'python-c', '7', 'SUCCESS', 15], // current points at it
      ['b-recent', 'python-b', '8', 'SUCCESS', 2], // within keepDays
      ['c-recent', 'python-c', '9', 'SUCCESS', 1],
    ];
    for (const [name, pkg, c, status, age] of builds) {
      const hashes = { commitHash: c.repeat(40), distroHash: 'd'.repeat(40) };
      const dir = shardedCommitDir(hashes);
      const rpm = `${pkg}-1.0-${c}.noarch.rpm`;
      fs.mkdirSync(path.join(repos, dir), { recursive: true });
      if (status === 'SUCCESS') fs.writeFileSync(path.join(repos, dir, rpm), 'rpm');
      const row: CommitInsert = {
        trunk, projectName: pkg, ...hashes, extendedHash: null, dtCommit: now - age * DAY, dtDistro: now - age * DAY, dtExtended: 0,
        dtBuild: now - age * DAY, repoDir: '/r', distgitDir: '/d', commitBranch: 'master', status, component: null,
        artifacts: status === 'SUCCESS' ? `repos/${dir}/${rpm}` : null, notes: '', versionsCsv: null,
      };
      ids[name] = await insertCommit(stack.pool, row);
      dirs[name] = dir;
    }
    // The consistent repo links c-linked's RPM, as post-build links every other package's latest.
    fs.symlinkSync(path.relative(path.join(repos, dirs['b-consistent']), path.join(repos, dirs['c-linked'], 'python-c-1.0-5.noarch.rpm')),
      path.join(repos, dirs['b-consistent'], 'python-c-1.0-5.noarch.rpm'));
    fs.symlinkSync(dirs['b-consistent'], path.join(repos, 'consistent'));
    fs.symlinkSync(dirs['c-current'], path.join(repos, 'current'));
    await stack.pool.query(`INSERT INTO promotions (commit_id, promotion_name, timestamp) VALUES ($1, 'tripleo-ci-testing', $2)`, [ids['b-promoted'], now]);
    worker = await startWorker(stack.config);
  });

  afterAll(async () => {
    await stack?.client.schedule.getHandle(purgeScheduleId(trunk)).delete().catch(() => undefined);
    await worker?.shutdown();
    await stack?.teardown();
  });

  const flags = async () =>
    Object.fromEntries(await Promise.all(Object.entries(ids).map(async ([name, id]) =>
      [name, (await stack.pool.query('SELECT flags FROM commits WHERE id = $1', [id])).rows[0].flags as number])));
  const present = () => Object.fromEntries(Object.entries(dirs).map(([name, dir]) => [name, fs.existsSync(path.join(repos, dir))]));

  it('lists what would go in a dry run, as a workflow, and changes nothing', async () => {
    const report = await runPurge(stack.client, stack.config, trunk, { dryRun: true });
    expect(report.purged.map((p) => p.id).sort()).toEqual([ids['a-old'], ids['a-failed']].sort());
    expect(Object.fromEntries(report.kept.map((k) => [k.id, k.reason]))).toEqual({
      [ids['a-newest']]: 'newest success of its package',
      [ids['b-consistent']]: 'a label points at it',
      [ids['c-linked']]: 'a label points at it',
      [ids['b-promoted']]: 'a label points at it',
      [ids['c-current']]: 'a label points at it',
    });
    expect(report.labels).toEqual({ consistent: dirs['b-consistent'], current: dirs['c-current'] });
    expect(Object.values(await flags()).every((f) => f === 0)).toBe(true);
    expect(Object.values(present()).every(Boolean)).toBe(true);
    const runs = await stack.client.workflow.count(`Trunk = '${trunk}' AND Stage = 'purge-dry-run' AND WorkflowType = 'purgeTrunk'`);
    expect(runs.count).toBe(1);
  });

  it('removes the dirs and sets the purged flag; a second run finds nothing more', async () => {
    const report = await runPurge(stack.client, stack.config, trunk, { dryRun: false });
    expect(report.purged).toHaveLength(2);
    const f = await flags();
    expect(f['a-old']).toBe(2);
    expect(f['a-failed']).toBe(2);
    expect(Object.entries(f).filter(([, v]) => v !== 0).map(([k]) => k).sort()).toEqual(['a-failed', 'a-old']);
    expect(present()).toMatchObject({ 'a-old': false, 'a-failed': false, 'a-newest': true, 'b-consistent': true, 'c-linked': true, 'b-promoted': true });
    // The consistent repo is whole: its link to another package's RPM still resolves.
    expect(fs.readFileSync(path.join(repos, dirs['b-consistent'], 'python-c-1.0-5.noarch.rpm'), 'utf8')).toBe('rpm');
    expect((await runPurge(stack.client, stack.config, trunk, { dryRun: false })).purged).toEqual([]);
  });

  it("creates the trunk's purge Schedule once, at its configured cadence", async () => {
    expect(await ensurePurgeSchedules(stack.client, stack.config)).toEqual([purgeScheduleId(trunk)]);
    expect(await ensurePurgeSchedules(stack.client, stack.config)).toEqual([]);
    const described = await stack.client.schedule.getHandle(purgeScheduleId(trunk)).describe();
    expect(described.spec.intervals?.[0].every).toBe(12 * 3600 * 1000);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'purgeTrunk', taskQueue: stack.taskQueue });
    expect(described.action.type === 'startWorkflow' && described.action.args).toEqual([{ trunk, dryRun: false }]);
  });
});
