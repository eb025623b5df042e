import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitRepoDriver } from '../../../src/activities/pkginfo/gitrepo';
import { createLocalDriver, parseLocalPackages } from '../../../src/activities/pkginfo/local';
import { createRdoinfoDriver } from '../../../src/activities/pkginfo/rdoinfo';
import { createPackageSource } from '../../../src/activities/pkginfo/source';
import { buildConfig, PROJECT_ROOT } from '../../../src/config';
import { trunkPackageOf } from '../../../src/domain/trunk-build';
import { SHARED_RDOINFO } from '../../support/stack';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tf-pkginfo-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('rdoinfo driver', () => {
  it('lists the release tag and applies its overrides over the package keys', async () => {
    const entries = await createRdoinfoDriver({ path: SHARED_RDOINFO, entry: 'rdo-full.yml', release: 'antelope' }).packages();
    const byName = new Map(entries.map((e) => [e.project, trunkPackageOf(e, { sourceBranch: 'stable/2023.1', distroBranch: 'antelope-rdo' })]));
    expect(byName.get('ansible-collections-openstack')?.sourceBranch).toBe('2.1.0');
    expect(byName.get('ansible-role-collect-logs')?.sourceBranch).toBe('910efeb55838f076893ae97a1085ad55062ef05e');
    expect(byName.get('nova')).toMatchObject({ name: 'openstack-nova', sourceBranch: 'stable/2023.1', distroBranch: 'antelope-rdo', distgitPath: null });
  });

  it('flamingo: as many packages as distroinfo resolves', async () => {
    expect(await createRdoinfoDriver({ path: SHARED_RDOINFO, entry: 'rdo-full.yml', release: 'flamingo' }).packages()).toHaveLength(249);
  });
});

describe('local driver', () => {
  it('reads a YAML list of packages with DLRN keys', async () => {
    const file = join(tmp, 'packages.yml');
    await writeFile(file, 'packages:\n- name: python-foo\n  upstream: https://git.example.org/foo\n  master-distgit: https://git.example.org/foo-distgit\n  maintainers: [a@example.org]\n  source-branch: stable/x\n');
    const [entry] = await createLocalDriver({ path: file }).packages();
    expect(trunkPackageOf(entry, { sourceBranch: 'master', distroBranch: 'rpm-master' })).toEqual({
      name: 'python-foo', project: 'python-foo', upstream: 'https://git.example.org/foo', distgit: 'https://git.example.org/foo-distgit',
      maintainers: ['a@example.org'], component: null, sourceBranch: 'stable/x', distroBranch: 'rpm-master', distgitPath: null,
      buildTagsOnly: false, reviewOrigin: null,
    });
  });

  it('names the file, the entry and the key at fault', async () => {
    expect(() => parseLocalPackages('packages:\n- name: a\n  upstream: u\n  master-distgit: d\n- name: b\n  master-distgit: d\n', 'p.yml'))
      .toThrow('p.yml: packages.1.upstream: required, a non-empty string');
    expect(() => parseLocalPackages('packages: {}', 'p.yml')).toThrow('p.yml: packages: expected a list of packages');
    expect(() => parseLocalPackages('packages: [', 'p.yml')).toThrow(/^p\.yml: invalid YAML/);
    expect(() => parseLocalPackages('packages:\n- name: a\n  upstream: u\n  master-distgit: d\n  maintainers: x\n', 'p.yml'))
      .toThrow('p.yml: packages.0.maintainers: expected a list of addresses');
    await expect(createLocalDriver({ path: join(tmp, 'absent.yml') }).packages()).rejects.toThrow(`${join(tmp, 'absent.yml')}: cannot read the package list`);
  });
});

describe('gitrepo driver (one repository, a directory per package)', () => {
  it('lists each package directory of the branch, minus skipped ones, with its distgit path', async () => {
    const work = join(tmp, 'rpm-packaging');
    const git = (...args: string[]) => execFileSync('git', ['-C', work, '-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args]);
    execFileSync('git', ['init', '-q', '-b', 'master', work]);
    for (const name of ['oslo.config', 'nova', 'skipme']) {
      execFileSync('mkdir', ['-p', join(work, 'openstack', name)]);
      await writeFile(join(work, 'openstack', name, `${name}.spec.j2`), `Name: ${name}\n`);
    }
    await writeFile(join(work, 'README'), 'top-level files are not packages\n');
    git('add', '-A');
    git('commit', '-qm', 'specs');
    const driver = createGitRepoDriver({
      repo: `file://${work}`, directory: '/openstack/', branch: 'master', upstreamPrefix: 'https://opendev.org/openstack/',
      skip: ['skipme'], maintainers: ['rdo@example.org'], cloneDir: join(tmp, 'clone'),
    });
    const entries = await driver.packages();
    expect(entries.map((e) => trunkPackageOf(e, { sourceBranch: 'master', distroBranch: 'ignored' }))).toEqual([
      { name: 'nova', project: 'nova', upstream: 'https://opendev.org/openstack/nova', distgit: `file://${work}`, maintainers: ['rdo@example.org'],
        component: null, sourceBranch: 'master', distroBranch: 'master', distgitPath: 'openstack/nova', buildTagsOnly: false, reviewOrigin: null },
      { name: 'oslo.config', project: 'oslo.config', upstream: 'https://opendev.org/openstack/oslo.config', distgit: `file://${work}`, maintainers: ['rdo@example.org'],
        component: null, sourceBranch: 'master', distroBranch: 'master', distgitPath: 'openstack/oslo.config', buildTagsOnly: false, reviewOrigin: null },
    ]);
    const missing = createGitRepoDriver({
      repo: `file://${work}`, directory: 'nope', branch: 'master', upstreamPrefix: 'x', skip: [], maintainers: [], cloneDir: join(tmp, 'clone'),
    });
    await expect(missing.packages()).rejects.toThrow(`file://${work}: no directory nope on branch master`);
  });
});

describe('package source', () => {
  it('resolves each trunk through its configured driver; a demo trunk reads the generated list', async () => {
    const file = join(tmp, 'own.yml');
    await writeFile(file, 'packages:\n- name: p\n  upstream: u\n  master-distgit: d\n');
    const config = buildConfig({
      paths: { data: tmp },
      trunks: [
        { name: 'a', release: 'x', pkginfo: { driver: 'local', path: file } },
        { name: 'demo', release: 'demo', demo: true },
        { name: 'f', release: 'flamingo', pkginfo: { driver: 'rdoinfo', path: SHARED_RDOINFO } },
      ],
    }, 'test', PROJECT_ROOT, {});
    expect(config.trunks[1].pkginfo).toEqual({ driver: 'local', path: join(tmp, 'demo', 'packages.yml') });
    const source = createPackageSource(config);
    expect((await source.packages('a')).map((p) => p.name)).toEqual(['p']);
    expect(await source.find('f', 'openstack-nova')).toMatchObject({ project: 'nova' });
    await expect(source.find('a', 'nope')).rejects.toThrow('package nope is not in trunk a');
  });
});
