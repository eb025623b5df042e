import {
  branchFallbackPlan,
  distroBranchFor,
  matchesNonfallback,
  resolveBranch,
  sourceBranchFor,
} from '../../../src/domain/trunk/branches';

/** The ordered ref names of the plan. */
const branchFallbackRefs = (requested: string, cfg: Parameters<typeof branchFallbackPlan>[1]) =>
  branchFallbackPlan(requested, cfg).candidates.map((c) => c.ref);

describe('branchFallbackPlan refs', () => {
  const cfg = { source: 'stable/2023.1' };

  it('source branch: unmaintained/ → -eol tag → master → main', () => {
    expect(branchFallbackRefs('stable/2023.1', cfg)).toEqual([
      'stable/2023.1',
      'unmaintained/2023.1',
      '2023.1-eol',
      'master',
      'main',
    ]);
  });

  it('tags each candidate with how it is probed and what to reset to', () => {
    const plan = branchFallbackPlan('stable/2023.1', cfg);
    expect(plan.candidates.map((c) => c.kind)).toEqual(['requested', 'remote-branch', 'tag', 'local-branch', 'local-branch']);
    expect(plan.candidates[2].resetTo).toEqual(['origin/2023.1-eol', '2023.1-eol']);
    expect(plan.blockedBy).toBeNull();
  });

  it('keeps unmaintained/eol but drops master/main when fallback_to_master is off', () => {
    const plan = branchFallbackPlan('stable/2023.1', { ...cfg, fallbackToMaster: false });
    expect(plan.candidates.map((c) => c.ref)).toEqual(['stable/2023.1', 'unmaintained/2023.1', '2023.1-eol']);
    expect(plan.blockedBy).toEqual({ reason: 'fallback-disabled' });
  });

  it('a non-stable source branch has no unmaintained candidate but still an -eol tag', () => {
    expect(branchFallbackRefs('feature/foo', { source: 'feature/foo' })).toEqual([
      'feature/foo',
      'feature/foo-eol',
      'master',
      'main',
    ]);
  });

  it('master/rpm-master never fall back by default (nonfallback_branches)', () => {
    expect(branchFallbackPlan('master', { source: 'master' })).toEqual({
      candidates: [{ ref: 'master', kind: 'requested', resetTo: ['origin/master', 'master'] }],
      blockedBy: { reason: 'nonfallback-branch', pattern: '^master$' },
    });
    expect(branchFallbackRefs('rpm-master', cfg)).toEqual(['rpm-master']);
  });

  it('custom nonfallback patterns are re.match (anchored at the start only)', () => {
    const custom = { ...cfg, nonfallbackBranches: ['stable/'] };
    expect(branchFallbackRefs('stable/2023.1', custom)).toEqual(['stable/2023.1']);
    expect(branchFallbackRefs('x-stable/2023.1', { ...custom, source: 'x-stable/2023.1' })).toContain('master');
    expect(matchesNonfallback('stable/2023.1', ['2023'])).toBeNull();
  });

  it('distgit *-rdo branches fall back to rpm-master', () => {
    expect(branchFallbackRefs('antelope-rdo', cfg)).toEqual(['antelope-rdo', 'rpm-master']);
    expect(branchFallbackPlan('antelope-rdo', { ...cfg, fallbackToMaster: false }).blockedBy).toEqual({
      reason: 'fallback-disabled',
    });
  });

  it('any other ref has no fallback', () => {
    const plan = branchFallbackPlan('stable/2024.1', cfg);
    expect(plan.candidates.map((c) => c.ref)).toEqual(['stable/2024.1']);
    expect(plan.blockedBy).toEqual({ reason: 'not-default-branch' });
  });

  it('rejects an empty branch', () => {
    expect(() => branchFallbackRefs('', cfg)).toThrow(/empty/);
  });
});

describe('resolveBranch', () => {
  const cfg = { source: 'stable/2023.1' };

  it('returns the first existing candidate', () => {
    const existing = new Set(['2023.1-eol', 'master']);
    expect(resolveBranch('stable/2023.1', cfg, (c) => existing.has(c.ref))?.ref).toBe('2023.1-eol');
  });

  it('prefers unmaintained/ over the eol tag', () => {
    expect(resolveBranch('stable/2023.1', cfg, (c) => c.ref !== 'stable/2023.1')?.ref).toBe('unmaintained/2023.1');
  });

  it('uses rpm-master without probing, and null when nothing exists', () => {
    expect(resolveBranch('bobcat-rdo', cfg, () => false)?.ref).toBe('rpm-master');
    expect(resolveBranch('stable/2023.1', cfg, () => false)).toBeNull();
  });
});

describe('source/distro branch of a package', () => {
  it('prefers the package keys', () => {
    expect(sourceBranchFor({ 'source-branch': 'stable/2025.1' }, 'master')).toBe('stable/2025.1');
    expect(sourceBranchFor({}, 'master')).toBe('master');
    expect(distroBranchFor({ 'distro-branch': 'epoxy-rdo' }, 'rpm-master')).toBe('epoxy-rdo');
    expect(distroBranchFor({}, 'rpm-master')).toBe('rpm-master');
  });
});
