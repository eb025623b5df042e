import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { git, pushBranch } from '../../../src/activities/git';
import { createLocalGitRepos } from '../../../src/activities/release/localgit-repos';
import { validateFiles } from '../../../src/activities/release/validate-files';
import { parseDeliverable } from '../../../src/domain/release/deliverable';
import { formatFinding } from '../../../src/domain/release/validate';
import { readYamlFile } from '../../../src/activities/release/validate-files';
import { FIXTURE_ROOT, makeProjectRepo, makeReleasesRoot, type ProjectRepo } from './fixtures';

const lines = (reports: Awaited<ReturnType<typeof validateFiles>>, level = 'error') =>
  reports.flatMap((r) => r.findings.filter((f) => f.level === level).map((f) => formatFinding(path.basename(r.file), f)));

describe('validation of the real gazpacho series', () => {
  test('no errors or warnings; rules needing the absent project repositories are reported skipped, once per repository', async () => {
    const dir = path.join(FIXTURE_ROOT, 'deliverables', 'gazpacho');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => path.join(dir, f));
    expect(files).toHaveLength(216);
    const reports = await validateFiles(files, { repos: createLocalGitRepos('/nonexistent') });
    expect(lines(reports, 'error')).toEqual([]);
    expect(lines(reports, 'warning')).toEqual([]);
    for (const r of reports) {
      const d = parseDeliverable(r.file, await readYamlFile(r.file));
      const skipped = r.findings.filter((f) => f.level === 'skipped').map((f) => f.message);
      const expected = d.releases.length || d.branches.length ? d.repos.filter((x) => !d.retiredRepos.has(x)) : [];
      for (const repo of expected) expect(skipped).toContain(`repository ${repo} is not available, the checks that need it were not made`);
      expect(new Set(skipped).size).toBe(skipped.length);
    }
  });
});

describe('release rules against real git repositories', () => {
  let env: Awaited<ReturnType<typeof makeReleasesRoot>>;
  let demo: ProjectRepo;
  let c1: string;
  let c2: string;
  let side: string;

  beforeAll(async () => {
    env = await makeReleasesRoot();
    demo = await makeProjectRepo(env.reposRoot, 'openstack/demo');
    c1 = await demo.commit('feature one');
    await git(demo.work, ['tag', '-a', '-m', 'demo 1.0.0 release', '1.0.0', c1]);
    c2 = await demo.commit('feature two');
    await pushBranch(demo.work, 'origin', 'master', { tags: true });
    await git(demo.work, ['checkout', '--quiet', '-b', 'side', c1]);
    side = await demo.commit('side work');
    await pushBranch(demo.work, 'origin', 'side');
  });

  const deliverable = (model: string, releases: string, extra = '') =>
    `---\nlaunchpad: demo\nrelease-model: ${model}\nteam: demo\ntype: library\nrepository-settings:\n  openstack/demo: {}\n${extra}releases:\n${releases}`;
  const rel = (version: string, hash: string, more = '') => `  - version: ${version}\n    projects:\n      - repo: openstack/demo\n        hash: ${hash}\n${more}`;
  const validate = async (series: string, yaml: string) => {
    const file = await env.writeDeliverable(series, 'demo', yaml);
    return validateFiles([file], { repos: createLocalGitRepos(env.reposRoot) });
  };

  test('a valid new release passes', async () => {
    const r = await validate('hibiscus', deliverable('cycle-with-intermediary', rel('1.0.0', c1) + rel('1.1.0', c2)));
    expect(lines(r)).toEqual([]);
    expect(lines(r, 'skipped')).toEqual([]);
  });

  test('schema violations name the key and where it is', async () => {
    const r = await validate('hibiscus', `---\nrelease-model: cycle-with-rc\ntype: library\nreleases:\n${rel('1.0.0', c1, '    highlights: big\n')}`);
    expect(lines(r)).toEqual([
      "demo.yaml: check_schema: 'team' is a required property",
      "demo.yaml: check_schema: releases[0]: Additional properties are not allowed ('highlights' was unexpected)",
    ]);
    const r2 = await validate('hibiscus', deliverable('cycle-with-stuff', rel('1.0.0', c1)));
    expect(lines(r2)).toEqual([
      "demo.yaml: check_schema: release-model: 'cycle-with-stuff' is not one of ['cycle-with-intermediary', 'cycle-with-milestones', 'cycle-trailing', 'untagged', 'cycle-with-rc', 'cycle-automatic', 'abandoned']",
    ]);
  });

  test('non-canonical versions and pre-releases the model does not allow', async () => {
    const r = await validate('hibiscus', deliverable('cycle-with-intermediary', rel('1.0.0', c1) + rel("'1.1'", c2)));
    expect(lines(r)).toEqual(["demo.yaml: validate_version_numbers: could not validate version '1.1': Version '1.1' does not match canonical form '1.1.0'"]);
    // Unquoted, YAML reads 1.1 as a number: the schema refuses it, as upstream's does.
    const unquoted = await validate('hibiscus', deliverable('cycle-with-intermediary', rel('1.0.0', c1) + rel('1.1', c2)));
    expect(lines(unquoted)).toEqual(["demo.yaml: check_schema: releases[1].version: 1.1 is not of type 'string'"]);
    const r2 = await validate('hibiscus', deliverable('cycle-with-intermediary', rel('1.0.0', c1) + rel('1.1.0.0b1', c2)));
    expect(lines(r2)).toEqual(["demo.yaml: validate_version_numbers: could not validate version '1.1.0.0b1': Version 1.1.0.0b1 looks like a pre-release and the release model does not allow for it"]);
  });

  test('a new release must come last, one per change', async () => {
    const r = await validate('hibiscus', deliverable('cycle-with-intermediary', rel('1.0.0', c1) + rel('1.1.0', c2) + rel('1.2.0', c2)));
    expect(lines(r)).toEqual([
      'demo.yaml: validate_new_releases_at_end: new release 1.1.0 must be listed last, with one new release per patch',
      // 1.1.0 is not tagged yet, so nothing can descend from it (upstream reports this too).
      `demo.yaml: validate_release_branch_membership: openstack/demo ${c2} receiving 1.2.0 is not a descendant of 1.1.0`,
    ]);
  });

  test('a hash that is missing or not a hash', async () => {
    const missing = 'f'.repeat(40);
    const r = await validate('hibiscus', deliverable('cycle-with-intermediary', rel('1.0.0', c1) + rel('1.1.0', missing)));
    expect(lines(r)).toEqual([`demo.yaml: validate_release_sha_exists: No commit '${missing}' in 'openstack/demo'`]);
    const r2 = await validate('hibiscus', deliverable('cycle-with-intermediary', rel('1.0.0', c1) + rel('1.1.0', 'master')));
    expect(lines(r2)).toEqual(["demo.yaml: validate_release_sha_exists: openstack/demo version 1.1.0 release from 'master', which is not a hash"]);
  });

  test('no re-tagging: an existing tag must stay on its commit', async () => {
    const r = await validate('hibiscus', deliverable('cycle-with-intermediary', rel('1.0.0', c2)));
    expect(lines(r)).toEqual([`demo.yaml: validate_existing_tags: Version 1.0.0 in openstack/demo is on commit '${c1}' instead of '${c2}'`]);
  });

  test('the new hash must be on the branch and descend from the previous version', async () => {
    const r = await validate('hibiscus', deliverable('cycle-with-intermediary', rel('1.0.0', c1) + rel('1.1.0', side)));
    expect(lines(r)).toEqual([`demo.yaml: validate_release_branch_membership: openstack/demo ${side} not present in hibiscus branch`]);
    const r2 = await validate('hibiscus', deliverable('cycle-with-intermediary', rel('1.0.0', c1) + rel('1.1.0', c1) + rel('1.2.0', c1)));
    expect(lines(r2)).toContain('demo.yaml: validate_new_releases_at_end: new release 1.1.0 must be listed last, with one new release per patch');
  });

  test('milestone models: an RC before the final, progression, and the final on the RC hash', async () => {
    const first = await validate('hibiscus', deliverable('cycle-with-rc', rel('2.0.0', c2)));
    expect(lines(first)).toEqual(['demo.yaml: validate_pre_release_progression: A RC release must be present before final release for deliverables following a milestone-based cycle']);
    await git(demo.work, ['tag', '-a', '-m', 'b1', '2.0.0.0b1', c1]);
    await git(demo.work, ['push', '--quiet', 'origin', '2.0.0.0b1']);
    const betas = await validate('hibiscus', deliverable('cycle-with-rc', rel('2.0.0.0b1', c1) + rel('2.0.0.0b2', c2)));
    expect(lines(betas)).toEqual([]);
    await git(demo.work, ['push', '--quiet', 'origin', ':refs/tags/2.0.0.0b1']);
    const betaAfterFinal = await validate('hibiscus', deliverable('cycle-with-rc', rel('1.0.0', c1) + rel('2.0.0.0b1', c2)));
    expect(lines(betaAfterFinal)).toEqual(['demo.yaml: validate_pre_release_progression: Beta version 2.0.0.0b1 must come after an alpha or beta version, not 1.0.0']);
    const finalAfterBeta = await validate('hibiscus', deliverable('cycle-with-rc', rel('1.0.0', c1) + rel('2.0.0.0b1', c1) + rel('2.0.0', c2)));
    expect(lines(finalAfterBeta)).toContain('demo.yaml: validate_pre_release_progression: Final version 2.0.0 must come after a release candidate or final version, not 2.0.0.0b1');
    await git(demo.work, ['tag', '-a', '-m', 'rc', '2.0.0.0rc1', c1]);
    await git(demo.work, ['push', '--quiet', 'origin', '2.0.0.0rc1']);
    const moved = await validate('hibiscus', deliverable('cycle-with-rc', rel('1.0.0', c1) + rel('2.0.0.0rc1', c1) + rel('2.0.0', c2)));
    expect(lines(moved)).toEqual([`demo.yaml: validate_series_final: 2.0.0 for openstack/demo is on ${c2} but should be ${c1} to match version 2.0.0.0rc1`]);
    await git(demo.work, ['push', '--quiet', 'origin', ':refs/tags/2.0.0.0rc1']);
  });

  test('branch rules: location is the latest release, prefixes, series names', async () => {
    const wrongLocation = await validate('hibiscus', deliverable('cycle-with-intermediary', rel('1.0.0', c1) + rel('1.1.0', c2), 'branches:\n  - name: stable/2026.2\n    location: 1.0.0\n'));
    expect(lines(wrongLocation)).toEqual(['demo.yaml: validate_stable_branches: stable branches must be created from the latest tagged release, and 1.0.0 for stable/2026.2 does not match 1.1.0']);
    const bad = await validate('hibiscus', deliverable('cycle-with-intermediary', rel('1.0.0', c1) + rel('1.1.0', c2), 'branches:\n  - name: release/x\n    location: 1.1.0\n  - name: stable/zed\n    location: 1.1.0\n'));
    expect(lines(bad)).toEqual([
      "demo.yaml: validate_branch_prefixes: branch name release/x does not use a valid prefix: {'stable', 'unmaintained', 'feature', 'bugfix'}",
      'demo.yaml: validate_stable_branches: cycle-based projects must match series names for stable branches. stable/zed should be stable/hibiscus or similar to something like stable/2023.1',
    ]);
  });

  test('EOL tags must name the series by its release id', async () => {
    const r = await validate('gazpacho', deliverable('cycle-with-intermediary', rel('1.0.0', c1) + rel('gazpacho-eol', c1), 'branches:\n  - name: stable/2026.1\n    location: 1.0.0\n'));
    expect(lines(r)).toEqual(['demo.yaml: validate_version_numbers: EOL tag gazpacho-eol does not refer to the gazpacho series.']);
  });

  test('a repository that is not available is reported as skipped, never as an error', async () => {
    const yaml = deliverable('cycle-with-intermediary', rel('1.0.0', c1)).replace(/openstack\/demo/g, 'openstack/elsewhere');
    const r = await validate('hibiscus', yaml);
    expect(lines(r)).toEqual([]);
    expect(lines(r, 'skipped')).toEqual(['demo.yaml: clone_deliverable: skipped: repository openstack/elsewhere is not available, the checks that need it were not made']);
  });
});

describe('trunkflow release validate', () => {
  test('prints upstream-style lines and a summary, and fails on errors', async () => {
    const { buildConfig } = await import('../../../src/config');
    const { runValidate } = await import('../../../src/cli/release');
    const env = await makeReleasesRoot();
    const cfg = buildConfig({ release: { repos: { root: env.reposRoot } } }, 'test', env.root);
    const good = path.join(FIXTURE_ROOT, 'deliverables', 'gazpacho', 'nova.yaml');
    const bad = await env.writeDeliverable('hibiscus', 'broken', "---\nteam: x\ntype: library\nlaunchpad: x\nrelease-model: cycle-with-intermediary\nreleases:\n  - version: '2.0'\n    projects:\n      - repo: openstack/broken\n        hash: nothex\n");
    const out: string[] = [];
    expect(await runValidate(cfg, [good, bad], (l) => out.push(l))).toBe(1);
    expect(out.filter((l) => !l.includes(': skipped: '))).toEqual([
      '0 warnings found',
      '3 errors found',
      `${bad}: validate_release_sha_exists: openstack/broken version 2.0 release from 'nothex', which is not a hash`,
      `${bad}: validate_version_numbers: could not validate version '2.0': Version '2.0' does not match canonical form '2.0.0'`,
      `${bad}: validate_new_releases: release 2.0 includes repository openstack/broken that is not in the repository-settings section`,
    ]);
    const ok: string[] = [];
    expect(await runValidate(cfg, [good], (l) => ok.push(l))).toBe(0);
    expect(ok).toContain('0 errors found');
  });
});
