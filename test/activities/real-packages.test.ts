/**
 * Real RDO packages built as DLRN builds them, from the real upstream and
 * distgit histories in test/fixtures/real-packages (see its README): the
 * SRPM's Version is pbr's (or metadata.json's), its tarball is the one the
 * spec unpacks, and `rpmbuild -rp` (prep of the SRPM) succeeds where it does for DLRN.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createBuildActivities } from '../../src/activities/build/activities';
import { buildSrpm, type SrpmRequest } from '../../src/activities/build/srpm';
import { ensureBuildTools } from '../../src/activities/build/tools';
import { syncClone } from '../../src/activities/git';
import { cloneDirs, trunkPaths } from '../../src/activities/layout';
import { createPackageSource } from '../../src/activities/pkginfo/source';
import { run } from '../../src/activities/process';
import { buildConfig, PROJECT_ROOT, type Config } from '../../src/config';
import { shardedCommitDir } from '../../src/domain/trunk/hashes';
import type { BuildRequest } from '../../src/domain/trunk-build';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'real-packages');
// The fixtures' heads (their README says where they come from).
const OSLO_CONFIG = 'cac8283414be20b94442690b83723d10e02a896c';
const OSLO_CONFIG_DISTGIT = '9dce7f816d8f1aa7c194dc81d193cee162c2743c';
const PUPPET_OSLO = 'a1a9f3348cb004ac3ec1b1307e4f987b5047423d';
const PUPPET_OSLO_DISTGIT = '07da3e392ae1f8de7fa094f43ef0420d29c4272b';
const DT_BUILD = Date.UTC(2024, 2, 13, 1, 2, 3) / 1000; // release date 20240313010203

let tmp: string;
let config: Config;
const remote = (name: string) => `file://${join(tmp, 'remotes', `${name}.git`)}`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tf-realpkgs-'));
  for (const name of ['oslo.config', 'oslo-config-distgit', 'puppet-oslo', 'puppet-oslo-distgit']) {
    await run('git', ['clone', '--quiet', '--bare', join(FIXTURES, `${name}.bundle`), join(tmp, 'remotes', `${name}.git`)]);
  }
  // An rpm-packaging style distgit: one repository, a directory per package, its spec a .spec.j2
  // (the real oslo-config spec with renderspec's macros in Name and Epoch), epochs at the top.
  const shared = join(tmp, 'rpm-packaging');
  await run('git', ['init', '--quiet', '--initial-branch=master', shared]);
  const realSpec = (await run('git', ['-C', join(tmp, 'remotes', 'oslo-config-distgit.git'), 'show', `${OSLO_CONFIG_DISTGIT}:python-oslo-config.spec`])).stdout;
  await mkdir(join(shared, 'openstack', 'oslo.config'), { recursive: true });
  await mkdir(join(shared, 'epoch'));
  await writeFile(join(shared, 'epoch', 'fedora.yaml'), 'epochs:\n  python-oslo-config: 2\n');
  await writeFile(join(shared, 'openstack', 'oslo.config', 'oslo.config.spec.j2'),
    realSpec.replace(/^Name:.*$/m, "Name: {{ py2pkg('oslo.config') }}").replace(/^Epoch:.*$/m, "Epoch: {{ epoch('python-oslo-config') }}"));
  await run('git', ['-C', shared, 'add', '-A']);
  await run('git', ['-C', shared, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '--quiet', '-m', 'oslo.config']);
  const list = join(tmp, 'packages.yml');
  await writeFile(list, [
    'packages:',
    `  - { name: python-oslo-config, project: oslo-config, upstream: "${remote('oslo.config')}", master-distgit: "${remote('oslo-config-distgit')}" }`,
    `  - { name: python-oslo-config-j2, upstream: "${remote('oslo.config')}", master-distgit: "file://${shared}", distgit-path: openstack/oslo.config }`,
    `  - { name: puppet-oslo, project: puppet-oslo, upstream: "${remote('puppet-oslo')}", master-distgit: "${remote('puppet-oslo-distgit')}" }`,
    '',
  ].join('\n'));
  config = buildConfig({
    paths: { data: join(tmp, 'data') },
    trunks: [
      { name: 'el9', release: 'caracal', distro: 'el9', pkginfo: { driver: 'local', path: list }, buildDriver: 'rpmbuild', releaseNumbering: 'minor.date.hash', releaseMinor: '3' },
      {
        name: 'el10', release: 'caracal', distro: 'el10', pkginfo: { driver: 'local', path: list }, buildDriver: 'rpmbuild',
        customPreprocess: ['sed -i "s|^Summary:.*|Summary: preprocessed $DLRN_PACKAGE_NAME at $DLRN_SOURCE_COMMIT from $(basename $DLRN_SOURCEDIR)|" *.spec'],
      },
    ],
  }, 'test', tmp, {});
  for (const [pkg, up, dg] of [['python-oslo-config', 'oslo.config', 'oslo-config-distgit'], ['puppet-oslo', 'puppet-oslo', 'puppet-oslo-distgit']]) {
    const dirs = cloneDirs(config, 'el9', pkg);
    await syncClone(remote(up), dirs.upstream);
    await syncClone(remote(dg), dirs.distgit);
  }
}, 300_000);
afterAll(() => rm(tmp, { recursive: true, force: true }));

const exists = (p: string) => stat(p).then(() => true, () => false);
const rpmQuery = async (srpm: string, format: string) =>
  (await run('rpm', ['-qp', '--nosignature', '--nodigest', '--queryformat', format, srpm])).stdout;
/** The source RPM's file list. */
const srpmFiles = async (srpm: string) => (await run('rpm', ['-qlp', '--nosignature', '--nodigest', srpm])).stdout.trim().split('\n');
/** The payload of a source RPM, unpacked into a new directory. */
async function unpack(srpm: string): Promise<string> {
  const dir = await mkdtemp(join(tmp, 'unpack-'));
  await run('sh', ['-c', `rpm2archive - < "${srpm}" | tar -xz -C "${dir}"`]);
  return dir;
}
/** Top directories of the tarball inside a source RPM. */
async function tarballTopDirs(srpm: string, tarball: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', join(await unpack(srpm), tarball)]);
  return [...new Set(stdout.trim().split('\n').map((l) => l.split('/')[0]))];
}
/** `rpmbuild -rp --nodeps`: unpack the SRPM and run its %prep, as DLRN's build would first. */
async function prep(srpm: string): Promise<{ ok: boolean; log: string; top: string }> {
  const top = await mkdtemp(join(tmp, 'prep-'));
  try {
    const { stdout, stderr } = await run('rpmbuild', ['-rp', '--nodeps', '--define', `_topdir ${top}`, srpm]);
    return { ok: true, log: stdout + stderr, top };
  } catch (e) {
    return { ok: false, log: (e as Error).message, top };
  }
}

/** An SRPM of one package at one commit, with one trunk's build tools. */
async function srpmOf(trunk: 'el9' | 'el10', pkg: string, commit: string, distro: string, extra: Partial<SrpmRequest> = {}) {
  const t = config.trunks.find((x) => x.name === trunk)!;
  const dirs = cloneDirs(config, 'el9', pkg);
  const work = await mkdtemp(join(tmp, 'work-'));
  const distgitDir = join(work, 'distgit');
  await mkdir(distgitDir);
  await run('sh', ['-c', `git -C "${dirs.distgit}" archive ${distro} | tar -x -C "${distgitDir}"`]);
  const outDir = join(work, 'out');
  const pythonEnv = await ensureBuildTools(config.buildTools[t.distro]);
  const result = await buildSrpm({
    packageName: pkg, upstreamUrl: remote(pkg === 'puppet-oslo' ? 'puppet-oslo' : 'oslo.config'), upstreamClone: dirs.upstream, commitHash: commit,
    distgitDir, dtBuild: DT_BUILD, numbering: t.releaseNumbering, releaseMinor: t.releaseMinor, pythonEnv: async () => pythonEnv,
    keepTarball: false, keepChangelog: false, outDir, workDir: join(work, 'srpm'), logFile: join(outDir, 'rpmbuild.log'), ...extra,
  });
  return { ...result, pythonEnv, outDir };
}

/** A build request of python-oslo-config at a commit, on a trunk. */
const request = (trunk: string, commitHash: string): BuildRequest => ({
  trunk, release: 'caracal', packageName: 'python-oslo-config', project: 'oslo-config', commitHash, distroHash: OSLO_CONFIG_DISTGIT,
  extendedHash: null, dtCommit: 0, dtDistro: 0, commitBranch: 'master', component: null, maintainers: [],
});

/** pbr's version of a fresh clone of the upstream fixture, with the given build tools. */
async function pbrVersion(pythonEnv: string): Promise<string> {
  const dir = await mkdtemp(join(tmp, 'pbr-'));
  await run('git', ['clone', '--quiet', join(FIXTURES, 'oslo.config.bundle'), dir]);
  await run('git', ['-C', dir, 'checkout', '--quiet', OSLO_CONFIG]);
  const { stdout } = await run(join(pythonEnv, 'bin', 'python'), ['setup.py', '--version'], { cwd: dir });
  return stdout.trim().split('\n').pop()!;
}

describe('python-oslo-config (openstack/oslo.config + rdo-packages/oslo-config-distgit, March 2024)', () => {
  test('CentOS Stream 9 tools: pbr Version, the sdist the spec unpacks, %prep succeeds', async () => {
    const s = await srpmOf('el9', 'python-oslo-config', OSLO_CONFIG, OSLO_CONFIG_DISTGIT);
    const pbr = await pbrVersion(s.pythonEnv);
    expect(pbr).toBe('9.5.0.dev7'); // 9.4.0 + 7 commits, one a Sem-Ver feature
    expect(s.upstreamVersion).toBe(pbr);
    // minor.date.hash with release_minor 3 (trunk el9); the epoch stays the spec's.
    expect(await rpmQuery(s.srpm, '%{NAME} %{EPOCH} %{VERSION} %{RELEASE}')).toBe('python-oslo-config 2 9.5.0 3.20240313010203.cac8283');
    expect(basename(s.srpm)).toBe('python-oslo-config-9.5.0-3.20240313010203.cac8283.src.rpm');
    expect(s.tarball).toBe('oslo.config-9.5.0.dev7-3.20240313010203.cac8283.tar.gz');
    expect(await srpmFiles(s.srpm)).toEqual(['oslo.config-9.5.0.dev7-3.20240313010203.cac8283.tar.gz', 'python-oslo-config.spec']);
    expect(await tarballTopDirs(s.srpm, s.tarball)).toEqual(['oslo.config-9.5.0.dev7']);
    // An sdist, not the raw tree: pbr's PKG-INFO, ChangeLog and AUTHORS are in it.
    const { stdout: listing } = await run('tar', ['-tzf', join(await unpack(s.srpm), s.tarball)]);
    expect(listing.split('\n')).toEqual(expect.arrayContaining(['oslo.config-9.5.0.dev7/PKG-INFO', 'oslo.config-9.5.0.dev7/ChangeLog', 'oslo.config-9.5.0.dev7/AUTHORS']));

    const p = await prep(s.srpm);
    expect(p.log).toBe(p.ok ? p.log : 'prep succeeded');
    expect(await exists(join(p.top, 'BUILD', 'oslo.config-9.5.0.dev7', 'oslo_config', 'cfg.py'))).toBe(true);
  }, 300_000);

  test('with mock the SRPM carries the chroot\'s %dist, so mock\'s rebuilt SRPM replaces it', async () => {
    const s = await srpmOf('el9', 'python-oslo-config', OSLO_CONFIG, OSLO_CONFIG_DISTGIT, { dist: '.el9' });
    expect(basename(s.srpm)).toBe('python-oslo-config-9.5.0-3.20240313010203.cac8283.el9.src.rpm');
  }, 300_000);

  test('CentOS Stream 10 tools name the sdist oslo_config: this 2024 spec then fails %prep, as it does for DLRN', async () => {
    const s = await srpmOf('el10', 'python-oslo-config', OSLO_CONFIG, OSLO_CONFIG_DISTGIT);
    expect(await pbrVersion(s.pythonEnv)).toBe(s.upstreamVersion);
    expect(s.tarball).toBe('oslo_config-9.5.0.dev7-0.20240313010203.cac8283.tar.gz');
    expect(await tarballTopDirs(s.srpm, s.tarball)).toEqual(['oslo_config-9.5.0.dev7']);
    const p = await prep(s.srpm);
    expect(p.ok).toBe(false);
    expect(p.log).toMatch(/cd.*oslo\.config-9\.5\.0\.dev7/); // the spec's %{sname}-%{upstream_version}
  }, 300_000);
});

describe('keep_changelog', () => {
  // The distgit's rpm-master spec of May 2015 still carried changelog entries.
  test('cuts the spec after %changelog by default, keeps its entries when set', async () => {
    const specOf = async (srpm: string) => readFile(join(await unpack(srpm), 'python-oslo-config.spec'), 'utf8');
    const cut = await specOf((await srpmOf('el9', 'python-oslo-config', OSLO_CONFIG, 'cabcb09')).srpm);
    const kept = await specOf((await srpmOf('el9', 'python-oslo-config', OSLO_CONFIG, 'cabcb09', { keepChangelog: true })).srpm);
    expect(cut.trimEnd().endsWith('%changelog')).toBe(true);
    expect(kept).toContain('%changelog\n* Sat Sep 20 2014 Alan Pevec <apevec@redhat.com> - 2:1.4.0\n');
  }, 300_000);
});

describe('puppet-oslo (openstack/puppet-oslo + rdo-packages/puppet-oslo-distgit)', () => {
  test('Version from metadata.json (bumped past its tag), tarball openstack-oslo-<version>, %prep succeeds', async () => {
    const s = await srpmOf('el10', 'puppet-oslo', PUPPET_OSLO, PUPPET_OSLO_DISTGIT);
    const dirs = cloneDirs(config, 'el9', 'puppet-oslo');
    const metadata = JSON.parse((await run('git', ['-C', dirs.upstream, 'show', `${PUPPET_OSLO}:metadata.json`])).stdout) as { version: string; name: string };
    expect(metadata).toMatchObject({ version: '23.0.0', name: 'openstack-oslo' });
    // HEAD is 19 commits past the 23.0.0 tag that metadata.json names: DLRN bumps .Z.
    expect((await run('git', ['-C', dirs.upstream, 'describe', '--tags', PUPPET_OSLO])).stdout.trim()).toBe('23.0.0-19-ga1a9f33');
    expect(s.upstreamVersion).toBe('23.0.1');
    expect(await rpmQuery(s.srpm, '%{NAME} %{VERSION} %{RELEASE}')).toBe('puppet-oslo 23.0.1 0.20240313010203.a1a9f33');
    expect(s.tarball).toBe('23.0.1-0.20240313010203.a1a9f33.tar.gz');
    expect(await tarballTopDirs(s.srpm, s.tarball)).toEqual(['openstack-oslo-23.0.1']);
    const p = await prep(s.srpm);
    expect(p.log).toBe(p.ok ? p.log : 'prep succeeded');
    expect(await exists(join(p.top, 'BUILD', 'openstack-oslo-23.0.1', 'manifests', 'cache.pp'))).toBe(true);
  }, 300_000);

});

describe('buildCommit on a real package', () => {

  test('the SRPM stays in the hashed repo dir when the RPM build fails', async () => {
    // Debian's rpm has no pyproject macros, so oslo.config's %build fails here after its SRPM is made.
    const activities = createBuildActivities({ config, packages: createPackageSource(config) });
    const req = request('el9', OSLO_CONFIG);
    const attempt = await activities.buildCommit(req, 0);
    expect(attempt.ok).toBe(false);
    expect(attempt.failure?.status).toBe('FAILED');
    const outDir = join(trunkPaths(config, 'el9').repos, shardedCommitDir(req));
    const files = await readdir(outDir);
    expect(files.filter((f) => f.endsWith('.src.rpm'))).toEqual([expect.stringMatching(/^python-oslo-config-9\.5\.0-3\.\d{14}\.cac8283\.src\.rpm$/)]);
    expect(files).not.toContain('installed');
    const log = await readFile(join(outDir, 'rpmbuild.log'), 'utf8');
    expect(log).toMatch(/setup\.py sdist/);
    expect(log).toMatch(/^\+ rpmbuild --rebuild /m);
  }, 300_000);

  test('puppet-oslo builds into its repo dir, custom_preprocess run on its distgit first', async () => {
    const activities = createBuildActivities({ config, packages: createPackageSource(config) });
    const req = { ...request('el10', PUPPET_OSLO), packageName: 'puppet-oslo', project: 'puppet-oslo', distroHash: PUPPET_OSLO_DISTGIT };
    const attempt = await activities.buildCommit(req, 0);
    expect(attempt.failure).toBeUndefined();
    const outDir = join(trunkPaths(config, 'el10').repos, shardedCommitDir(req));
    const rpm = attempt.rpms.map((r) => basename(r)).find((r) => r.endsWith('.noarch.rpm'))!;
    expect(rpm).toMatch(/^puppet-oslo-23\.0\.1-0\.\d{14}\.a1a9f33\.noarch\.rpm$/);
    expect(await rpmQuery(join(outDir, rpm), '%{SUMMARY}')).toBe(`preprocessed puppet-oslo at ${PUPPET_OSLO} from puppet-oslo`);
    const files = (await run('rpm', ['-qlp', '--nosignature', '--nodigest', join(outDir, rpm)])).stdout;
    expect(files).toContain('/usr/share/openstack-puppet/modules/oslo/manifests/cache.pp');
  }, 300_000);
});

describe('.spec.j2 distgits (rpm-packaging style)', () => {
  test('buildCommit packages from the distgit-path directory, its .spec.j2 rendered first', async () => {
    const activities = createBuildActivities({ config, packages: createPackageSource(config) });
    const sharedHead = (await run('git', ['-C', join(tmp, 'rpm-packaging'), 'rev-parse', 'HEAD'])).stdout.trim();
    const req = { ...request('el9', OSLO_CONFIG), packageName: 'python-oslo-config-j2', distroHash: sharedHead };
    const attempt = await activities.buildCommit(req, 0);
    expect(attempt.ok).toBe(false); // %build needs the pyproject macros, as above: the SRPM stays
    const outDir = join(trunkPaths(config, 'el9').repos, shardedCommitDir(req));
    const [srpm] = (await readdir(outDir)).filter((f) => f.endsWith('.src.rpm'));
    expect(await rpmQuery(join(outDir, srpm), '%{NAME} %{EPOCH} %{VERSION}')).toBe('python-oslo-config 2 9.5.0');
    expect(await srpmFiles(join(outDir, srpm))).toEqual([expect.stringMatching(/^oslo\.config-9\.5\.0\.dev7-3\.\d{14}\.cac8283\.tar\.gz$/), 'oslo.config.spec']);
  }, 300_000);
});
