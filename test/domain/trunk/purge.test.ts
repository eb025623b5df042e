import { FLAG_PURGED, planPurge, purgeCutoff, repoDirOf, type PurgeCandidate } from '../../../src/domain/trunk/purge';

let nextId = 100;
const cand = (over: Partial<PurgeCandidate>): PurgeCandidate => ({
  id: nextId--, projectName: 'python-a', commitHash: 'a'.repeat(40), status: 'SUCCESS', dtBuild: 1000,
  repoDir: `aa/aa/${'a'.repeat(40)}_bbbbbbbb`, newerSuccess: true, successWithSameHash: true, ...over,
});
const none = { protectedDirs: new Set<string>(), protectedIds: new Set<number>() };

describe('planPurge (DLRN dlrn-purge)', () => {
  it("keeps each package's newest success and purges its older successes with their dirs", () => {
    const newest = cand({ id: 10, repoDir: 'n/ew', newerSuccess: false });
    const older = cand({ id: 9, repoDir: 'o/ld' });
    expect(planPurge({ candidates: [newest, older], ...none })).toEqual([
      { id: 10, projectName: 'python-a', repoDir: 'n/ew', action: 'keep', removeDir: false, reason: 'newest success of its package' },
      { id: 9, projectName: 'python-a', repoDir: 'o/ld', action: 'purge', removeDir: true },
    ]);
  });

  it('flags a FAILED or RETRY row, and removes its dir only when no SUCCESS of the same commit may share it', () => {
    const plan = planPurge({
      candidates: [
        cand({ id: 8, status: 'FAILED', repoDir: 'f/1', successWithSameHash: false }),
        cand({ id: 7, status: 'RETRY', repoDir: 'f/2', successWithSameHash: true }),
      ],
      ...none,
    });
    expect(plan.map((d) => [d.id, d.action, d.removeDir])).toEqual([[8, 'purge', true], [7, 'purge', false]]);
  });

  it('keeps whatever a label points at or links from, and never removes a dir a kept row uses', () => {
    const plan = planPurge({
      candidates: [
        cand({ id: 6, repoDir: 'c/ur' }),
        cand({ id: 5, repoDir: 'p/ro' }),
        cand({ id: 4, repoDir: 'c/ur', status: 'FAILED', successWithSameHash: false }),
        cand({ id: 3, repoDir: 'n/d', newerSuccess: false }),
        cand({ id: 2, repoDir: 'n/d', status: 'FAILED', successWithSameHash: false }),
      ],
      protectedDirs: new Set(['c/ur']),
      protectedIds: new Set([5]),
    });
    expect(plan.map((d) => [d.id, d.action, d.removeDir, d.reason])).toEqual([
      [6, 'keep', false, 'a label points at it'],
      [5, 'keep', false, 'a label points at it'],
      [4, 'keep', false, 'a label points at it'],
      [3, 'keep', false, 'newest success of its package'],
      [2, 'purge', false, undefined],
    ]);
  });
});

describe('purge helpers', () => {
  it('uses the purged bit DLRN uses', () => {
    expect(FLAG_PURGED).toBe(2);
  });

  it('cuts off keepDays whole days before now, and refuses a negative count', () => {
    expect(purgeCutoff(1_700_000_000, 30)).toBe(1_700_000_000 - 30 * 86400);
    expect(purgeCutoff(1_700_000_000, 0)).toBe(1_700_000_000);
    expect(() => purgeCutoff(1_700_000_000, -1)).toThrow('purge: keepDays must be a number of days >= 0, got -1');
  });

  it('finds the repo dir a path under repos/ lies in', () => {
    const dir = `3a/93/${'3a93'.padEnd(40, 'f')}_024e24f0`;
    expect(repoDirOf(dir)).toBe(dir);
    expect(repoDirOf(`${dir}/python-a-1.0-1.noarch.rpm`)).toBe(dir);
    expect(repoDirOf(`component/clients/${dir}/x.rpm`)).toBe(`component/clients/${dir}`);
    expect(repoDirOf('report.html')).toBeNull();
    expect(repoDirOf('current/delorean.repo')).toBeNull();
    expect(repoDirOf('3a/93/ffff_0')).toBeNull();
  });
});
