import {
  afterBound,
  gitLogArgs,
  lastBuiltCommitOnBranch,
  lastProcessedCommit,
  newCommitsToBuild,
  orderForBuild,
  parseGitLog,
  planGitLog,
  shouldRecheck,
} from '../../../src/domain/trunk/commit-selection';
import { DISTGIT_SHA, DISTGIT_SHA_2, NOVA_SHA, NOVA_SHA_2, NOVA_SHA_3, row } from './fixtures';

const T0 = 1700000000;

describe('lastProcessedCommit', () => {
  it('takes the highest id, ignoring RETRY rows', () => {
    const rows = [
      row({ id: 10, status: 'SUCCESS' }),
      row({ id: 12, status: 'FAILED' }),
      row({ id: 14, status: 'RETRY' }),
    ];
    expect(lastProcessedCommit(rows)?.id).toBe(12);
  });

  it('uses id, not dt_commit or input order', () => {
    const rows = [row({ id: 30, dtCommit: T0 }), row({ id: 31, dtCommit: T0 - 5000 }), row({ id: 29, dtCommit: T0 + 1 })];
    expect(lastProcessedCommit(rows)?.id).toBe(31);
  });

  it('filters by type', () => {
    const rows = [row({ id: 1, type: 'rpm' }), row({ id: 2, type: 'container' })];
    expect(lastProcessedCommit(rows)?.id).toBe(1);
    expect(lastProcessedCommit(rows, 'container')?.id).toBe(2);
  });

  it('is null with only RETRY rows or no rows', () => {
    expect(lastProcessedCommit([row({ status: 'RETRY' })])).toBeNull();
    expect(lastProcessedCommit([])).toBeNull();
  });
});

describe('lastBuiltCommitOnBranch', () => {
  it('picks the newest dt_build on that branch, then the highest id', () => {
    const rows = [
      row({ id: 1, commitBranch: 'stable/2025.1', dtBuild: T0 + 100 }),
      row({ id: 2, commitBranch: 'stable/2025.1', dtBuild: T0 + 50 }),
      row({ id: 3, commitBranch: 'master', dtBuild: T0 + 900 }),
      row({ id: 4, commitBranch: 'stable/2025.1', dtBuild: T0 + 100 }),
      row({ id: 5, commitBranch: 'stable/2025.1', dtBuild: T0 + 999, status: 'RETRY' }),
    ];
    expect(lastBuiltCommitOnBranch(rows, 'stable/2025.1')?.id).toBe(4);
  });

  it('sorts rows without dt_build last', () => {
    const rows = [row({ id: 9, dtBuild: null }), row({ id: 2, dtBuild: T0 })];
    expect(lastBuiltCommitOnBranch(rows, 'master')?.id).toBe(2);
  });
});

describe('planGitLog', () => {
  it('HEAD only when never built', () => {
    const plan = planGitLog([], { sourceBranch: 'master', ref: 'origin/master' });
    expect(plan).toMatchObject({ reason: 'never-built', since: '-1', after: null, headOnly: true, boundRowId: null });
    expect(plan.gitArgs).toEqual(['log', '--pretty=format:%ct %H', '-1', '--first-parent', '--reverse', 'origin/master', '--']);
  });

  it('HEAD only when every row is RETRY', () => {
    expect(planGitLog([row({ status: 'RETRY' })], { sourceBranch: 'master', ref: 'origin/master' }).reason).toBe('never-built');
  });

  it('--after=<dt_commit of last processed> on the same branch (inclusive bound)', () => {
    const rows = [row({ id: 1, dtCommit: T0 - 100 }), row({ id: 2, dtCommit: T0, status: 'FAILED' })];
    const plan = planGitLog(rows, { sourceBranch: 'master', ref: 'origin/master' });
    expect(plan).toMatchObject({ reason: 'same-branch', since: `--after=@${T0} +0000`, after: T0, headOnly: false, boundRowId: 2 });
    expect(plan.gitArgs).toContain(`--after=@${T0} +0000`);
  });

  it('honours global --head-only on the same branch', () => {
    expect(planGitLog([row({ id: 1 })], { sourceBranch: 'master', ref: 'origin/master', headOnly: true }).headOnly).toBe(true);
  });

  it('branch changed, older build on the new branch: bound from it, head only', () => {
    const rows = [
      row({ id: 1, commitBranch: 'stable/2025.1', dtCommit: T0 - 9000, dtBuild: T0 - 8000 }),
      row({ id: 2, commitBranch: 'master', dtCommit: T0 }),
    ];
    const plan = planGitLog(rows, { sourceBranch: 'stable/2025.1', ref: 'origin/master' });
    expect(plan).toMatchObject({
      reason: 'branch-changed-built-before',
      after: T0 - 9000,
      headOnly: true,
      boundRowId: 1,
    });
  });

  it('branch changed and never built on the new branch: HEAD only', () => {
    const plan = planGitLog([row({ id: 2, commitBranch: 'master' })], { sourceBranch: 'stable/2025.2', ref: 'origin/master' });
    expect(plan).toMatchObject({ reason: 'branch-changed-never-built', since: '-1', headOnly: true });
  });

  it('a fallen-back package (row on master, configured stable/x) is always treated as branch-changed', () => {
    const rows = [row({ id: 5, commitBranch: 'master' })];
    expect(planGitLog(rows, { sourceBranch: 'stable/2023.1', ref: 'origin/master' }).reason).toBe('branch-changed-never-built');
  });

  it('truncates a float dt_commit like %d', () => {
    expect(planGitLog([row({ dtCommit: T0 + 0.9 })], { sourceBranch: 'master', ref: 'origin/master' }).since).toBe(`--after=@${T0} +0000`);
  });

  it('tags-only packages decorate, use -2 instead of -1, and log the resolved ref', () => {
    const plan = planGitLog([], { sourceBranch: 'master', ref: 'origin/master', tagsOnly: true });
    expect(plan.gitArgs).toEqual([
      'log',
      '--simplify-by-decoration',
      '--pretty=format:%ct %H %d',
      '-2',
      '--first-parent',
      '--reverse',
      'origin/master',
      '--',
    ]);
    expect(gitLogArgs(afterBound(T0), { tagsOnly: true, ref: 'main' })).toContain(`--after=@${T0} +0000`);
  });
});

describe('parseGitLog', () => {
  it('parses quoted and unquoted %ct %H lines', () => {
    const out = `'${T0} ${NOVA_SHA}'\n${T0 + 60} ${NOVA_SHA_2}\n\n`;
    expect(parseGitLog(out)).toEqual([
      { ctime: T0, sha: NOVA_SHA },
      { ctime: T0 + 60, sha: NOVA_SHA_2 },
    ]);
  });

  it('keeps only tagged lines in tags-only mode', () => {
    const out = `${T0} ${NOVA_SHA}  (tag: 31.0.0)\n${T0 + 5} ${NOVA_SHA_2}  (HEAD -> master, origin/master)\n`;
    expect(parseGitLog(out, { tagsOnly: true })).toEqual([{ ctime: T0, sha: NOVA_SHA }]);
  });

  it('rejects garbage', () => {
    expect(() => parseGitLog('not-a-time abc')).toThrow(/unparseable/);
  });
});

describe('newCommitsToBuild', () => {
  const distgit = { hash: DISTGIT_SHA, time: T0 - 3600 };
  const base = {
    projectName: 'openstack-nova',
    distgit,
    commitBranch: 'master',
    plan: { headOnly: false },
  };

  it('builds everything new and fills DLRN fields', () => {
    const res = newCommitsToBuild({
      ...base,
      rows: [],
      candidates: [
        { ctime: T0, sha: NOVA_SHA },
        { ctime: T0 + 10, sha: NOVA_SHA_2 },
      ],
    });
    expect(res.skipped).toEqual([]);
    expect(res.toBuild).toEqual([
      {
        projectName: 'openstack-nova',
        type: 'rpm',
        commitHash: NOVA_SHA,
        distroHash: DISTGIT_SHA,
        extendedHash: null,
        dtCommit: T0,
        dtDistro: T0 - 3600,
        dtExtended: 0,
        commitBranch: 'master',
        component: null,
      },
      expect.objectContaining({ commitHash: NOVA_SHA_2, dtCommit: T0 + 10 }),
    ]);
  });

  it('drops the inclusive --after re-listing of the last built commit (same hashes)', () => {
    const res = newCommitsToBuild({
      ...base,
      rows: [row({ id: 7, commitHash: NOVA_SHA, dtCommit: T0 })],
      candidates: [
        { ctime: T0, sha: NOVA_SHA },
        { ctime: T0 + 10, sha: NOVA_SHA_2 },
      ],
    });
    expect(res.toBuild.map((c) => c.commitHash)).toEqual([NOVA_SHA_2]);
    expect(res.skipped).toEqual([expect.objectContaining({ reason: 'same-hashes-built', matchedRowId: 7 })]);
  });

  it('dedupes by dt_commit: an older commit with the same time as a built one is not built', () => {
    const res = newCommitsToBuild({
      ...base,
      rows: [row({ id: 8, commitHash: NOVA_SHA_2, dtCommit: T0 })],
      candidates: [
        { ctime: T0, sha: NOVA_SHA },
        { ctime: T0, sha: NOVA_SHA_2 },
      ],
    });
    expect(res.toBuild).toEqual([]);
    expect(res.skipped.map((s) => [s.commit.commitHash, s.reason])).toEqual([
      [NOVA_SHA, 'same-commit-time-built'],
      [NOVA_SHA_2, 'same-hashes-built'],
    ]);
  });

  it('ignores RETRY rows for dedupe (a retried commit is built again)', () => {
    const res = newCommitsToBuild({
      ...base,
      rows: [row({ id: 9, status: 'RETRY', commitHash: NOVA_SHA, dtCommit: T0 })],
      candidates: [{ ctime: T0, sha: NOVA_SHA }],
    });
    expect(res.toBuild.map((c) => c.commitHash)).toEqual([NOVA_SHA]);
  });

  it('rebuilds the same source commit when the distgit moved', () => {
    const res = newCommitsToBuild({
      ...base,
      distgit: { hash: DISTGIT_SHA_2, time: T0 + 50 },
      rows: [row({ id: 3, commitHash: NOVA_SHA, dtCommit: T0, status: 'FAILED' })],
      candidates: [{ ctime: T0, sha: NOVA_SHA }],
    });
    expect(res.toBuild).toEqual([expect.objectContaining({ commitHash: NOVA_SHA, distroHash: DISTGIT_SHA_2 })]);
  });

  it('treats a different extended hash as a different build, null only matches null', () => {
    const rows = [row({ id: 4, commitHash: NOVA_SHA, dtCommit: T0, extendedHash: 'd'.repeat(40) })];
    const res = newCommitsToBuild({ ...base, rows, candidates: [{ ctime: T0, sha: NOVA_SHA }] });
    expect(res.toBuild).toHaveLength(1);
    const res2 = newCommitsToBuild({
      ...base,
      rows,
      extendedHash: 'd'.repeat(40),
      candidates: [{ ctime: T0, sha: NOVA_SHA }],
    });
    expect(res2.toBuild).toHaveLength(0);
  });

  it('does not dedupe against rows of another type', () => {
    const res = newCommitsToBuild({
      ...base,
      rows: [row({ id: 5, type: 'container', commitHash: NOVA_SHA, dtCommit: T0 })],
      candidates: [{ ctime: T0, sha: NOVA_SHA }],
    });
    expect(res.toBuild).toHaveLength(1);
  });

  it('dedupes against rows of other projects too (DLRN does not filter by project)', () => {
    const res = newCommitsToBuild({
      ...base,
      rows: [row({ id: 6, projectName: 'openstack-glance', commitHash: NOVA_SHA_3, dtCommit: T0 })],
      candidates: [{ ctime: T0, sha: NOVA_SHA }],
    });
    expect(res.skipped[0]?.reason).toBe('same-commit-time-built');
  });

  it('head-only keeps only the newest candidate before deduping', () => {
    const res = newCommitsToBuild({
      ...base,
      plan: { headOnly: true },
      rows: [],
      candidates: [
        { ctime: T0, sha: NOVA_SHA },
        { ctime: T0 + 1, sha: NOVA_SHA_2 },
        { ctime: T0 + 2, sha: NOVA_SHA_3 },
      ],
    });
    expect(res.toBuild.map((c) => c.commitHash)).toEqual([NOVA_SHA_3]);
    expect(res.skipped.map((s) => s.reason)).toEqual(['not-head', 'not-head']);
  });

  it('head-only with an already built HEAD builds nothing', () => {
    const res = newCommitsToBuild({
      ...base,
      plan: { headOnly: true },
      rows: [row({ id: 1, commitHash: NOVA_SHA_2, dtCommit: T0 + 1 })],
      candidates: [
        { ctime: T0, sha: NOVA_SHA },
        { ctime: T0 + 1, sha: NOVA_SHA_2 },
      ],
    });
    expect(res.toBuild).toEqual([]);
  });

  it('--dev/--run bypass the dedupe', () => {
    const res = newCommitsToBuild({
      ...base,
      bypassDedupe: true,
      rows: [row({ id: 1, commitHash: NOVA_SHA, dtCommit: T0 })],
      candidates: [{ ctime: T0, sha: NOVA_SHA }],
    });
    expect(res.toBuild).toHaveLength(1);
  });

  it('sets component and type when given', () => {
    const res = newCommitsToBuild({
      ...base,
      rows: [],
      component: 'compute',
      type: 'container',
      candidates: [{ ctime: T0, sha: NOVA_SHA }],
    });
    expect(res.toBuild[0]).toMatchObject({ component: 'compute', type: 'container' });
  });
});

describe('orderForBuild', () => {
  it('sorts by dt_commit, stable for ties', () => {
    const a = { dtCommit: T0 + 5, n: 'a' };
    const b = { dtCommit: T0, n: 'b' };
    const c = { dtCommit: T0 + 5, n: 'c' };
    expect(orderForBuild([a, b, c]).map((x) => x.n)).toEqual(['b', 'a', 'c']);
  });
});

describe('shouldRecheck', () => {
  it('rechecks a FAILED latest non-RETRY build by deleting it', () => {
    const d = shouldRecheck([row({ id: 1, status: 'SUCCESS' }), row({ id: 2, status: 'FAILED' }), row({ id: 3, status: 'RETRY' })]);
    expect(d).toMatchObject({ recheck: true, deleteRowId: 2, reason: 'failed' });
  });

  it('refuses a SUCCESS with 409 unless forced', () => {
    const rows = [row({ id: 1, status: 'FAILED' }), row({ id: 2, status: 'SUCCESS' })];
    expect(shouldRecheck(rows)).toMatchObject({
      recheck: false,
      reason: 'success',
      httpStatus: 409,
      explanation: "Error while rechecking openstack-nova. It's not possible to recheck a successful commit",
    });
    expect(shouldRecheck(rows, { force: true })).toMatchObject({ recheck: true, deleteRowId: 2, reason: 'forced-success' });
  });

  it('answers 400 when there is nothing but RETRY rows', () => {
    expect(shouldRecheck([row({ status: 'RETRY', projectName: 'python-glanceclient' })])).toMatchObject({
      recheck: false,
      reason: 'no-commits',
      httpStatus: 400,
      explanation:
        'Error while rechecking python-glanceclient. There are no existing commits or the commit to be ' +
        'rechecked is already marked as RETRY.',
    });
  });

  it('flags an unknown status', () => {
    expect(shouldRecheck([row({ status: 'WEIRD' })])).toMatchObject({ recheck: false, reason: 'unexpected-status', httpStatus: 500 });
  });
});
