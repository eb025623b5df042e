import { insertCommitOnce, latestPerProject, latestSuccessPerProject, type CommitInsert } from '../../src/db/commits';
import { isolatedStack, type IsolatedStack } from '../support/stack';

const row = (over: Partial<CommitInsert>): CommitInsert => ({
  trunk: 't', projectName: 'python-foo', commitHash: 'a'.repeat(40), distroHash: 'b'.repeat(40), extendedHash: null,
  dtCommit: 100, dtDistro: 100, dtBuild: 200, repoDir: '/r', distgitDir: '/d', commitBranch: 'master', status: 'SUCCESS',
  component: null, artifacts: 'repos/aa/aa/x.rpm', notes: 'OK', versionsCsv: null, dtExtended: 0, ...over,
});

describe('commits table access', () => {
  let stack: IsolatedStack;
  beforeAll(async () => {
    stack = await isolatedStack();
  });
  afterAll(async () => stack?.teardown());

  it('records a build once even when its activity runs twice', async () => {
    const first = await insertCommitOnce(stack.pool, row({}));
    const again = await insertCommitOnce(stack.pool, row({}));
    expect(again).toBe(first);
    // Another attempt (another dt_build) or status is another row.
    const retry = await insertCommitOnce(stack.pool, row({ dtBuild: 300, status: 'RETRY' }));
    expect(retry).not.toBe(first);
    const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM commits');
    expect(rows[0].n).toBe(2);
  });

  it("finds each package's latest row and latest success, per trunk", async () => {
    await insertCommitOnce(stack.pool, row({ trunk: 'x', projectName: 'p1', dtBuild: 1 }));
    await insertCommitOnce(stack.pool, row({ trunk: 'x', projectName: 'p1', dtBuild: 2, status: 'FAILED' }));
    await insertCommitOnce(stack.pool, row({ trunk: 'x', projectName: 'p2', dtBuild: 3 }));
    await insertCommitOnce(stack.pool, row({ trunk: 'y', projectName: 'p1', dtBuild: 4 }));
    const latest = await latestPerProject(stack.pool, 'x');
    expect(latest.map((r) => [r.projectName, r.status])).toEqual([['p1', 'FAILED'], ['p2', 'SUCCESS']]);
    const green = await latestSuccessPerProject(stack.pool, 'x');
    expect(green.map((r) => [r.projectName, r.dtBuild])).toEqual([['p1', 1], ['p2', 3]]);
  });
});
