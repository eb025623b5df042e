import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoTrunk, pushBreakingAndFixingCommits, pushUpstreamCommit, type DemoTrunk } from '../../src/activities/demo';
import { commitsSince, git, resolveBranch, syncClone } from '../../src/activities/git';
import { createLocalDriver } from '../../src/activities/pkginfo/local';

let tmp: string;
let demo: DemoTrunk;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tf-demo-'));
  demo = await generateDemoTrunk(join(tmp, 'a'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const tips = async (d: DemoTrunk) =>
  Promise.all(
    d.packages.flatMap((p) => [
      git(p.upstream.replace('file://', ''), ['rev-parse', 'master', '1.0.0']),
      git(p.distgit.replace('file://', ''), ['rev-parse', 'rpm-master']),
    ]),
  );

test('describes six demo packages with local remotes and one failing package', () => {
  expect(demo.release).toBe('demo');
  expect(demo.packages).toHaveLength(6);
  for (const p of demo.packages) {
    expect(p.project).toMatch(/^tfdemo-/);
    expect(p.name).toMatch(/^(python|openstack)-tfdemo-/);
    expect(p.upstream).toBe(`file://${join(tmp, 'a', 'remotes', `${p.project}.git`)}`);
    expect(p.distgit).toBe(`file://${join(tmp, 'a', 'remotes', `${p.project}-distgit.git`)}`);
  }
  expect(demo.packages.map((p) => p.name)).toContain(demo.failingPackage);
});

test('is idempotent: a second call changes nothing and returns the same description', async () => {
  const before = await tips(demo);
  const mtime = (await stat(join(demo.root, '.complete'))).mtimeMs;
  expect(await generateDemoTrunk(demo.root)).toEqual(demo);
  expect(await tips(demo)).toEqual(before);
  expect((await stat(join(demo.root, '.complete'))).mtimeMs).toBe(mtime);
});

test('history is deterministic, and a half-made trunk is redone', async () => {
  const other = join(tmp, 'b');
  await mkdir(join(other, 'remotes', 'junk.git'), { recursive: true });
  const b = await generateDemoTrunk(other);
  expect(await tips(b)).toEqual(await tips(demo));
  await expect(stat(join(other, 'remotes', 'junk.git'))).rejects.toThrow();
});

test('the package list is what the local pkginfo driver reads: every package, with DLRN keys', async () => {
  const listed = await createLocalDriver({ path: demo.packagesFile }).packages();
  expect(listed.map((p) => ({ name: p.name, project: p.project, upstream: p.upstream, distgit: p['master-distgit'] }))).toEqual(demo.packages);
  for (const p of listed) {
    expect(p.maintainers?.length).toBeGreaterThan(0);
    expect(['common', 'clients']).toContain(p.component);
  }
});

test('upstreams have a tagged early commit and distinct commit times; distgits hold the spec', async () => {
  const cache = join(tmp, 'cache');
  const all: number[] = [];
  for (const p of demo.packages) {
    await syncClone(p.upstream, join(cache, p.name));
    const commits = await commitsSince(join(cache, p.name), 'origin/master', 0);
    expect(commits.length).toBeGreaterThanOrEqual(3);
    expect((await resolveBranch(join(cache, p.name), '1.0.0')).sha).toBe(commits[0].sha);
    all.push(...commits.map((x) => x.ctime));
    const spec = await git(p.distgit.replace('file://', ''), ['show', `rpm-master:${p.name}.spec`]);
    expect(spec).toContain(`Name:           ${p.name}`);
    expect(spec).toContain('BuildArch:      noarch');
    expect(spec).toContain('%setup -q -n %{name}-%{upstream_version}'); // DLRN's tree tarball: <package>-<version>
  }
  expect(new Set(all).size).toBe(all.length);
});

test('pushUpstreamCommit lands a newer commit on master', async () => {
  const p = demo.packages[0];
  const dir = join(tmp, 'cache-push');
  await syncClone(p.upstream, dir);
  const tip = (await commitsSince(dir, 'origin/master', null))[0];
  const pushed = await pushUpstreamCommit(demo, p.project, 'Add a feature');
  expect(pushed.ctime).toBeGreaterThan(tip.ctime);
  await syncClone(p.upstream, dir);
  expect(await commitsSince(dir, 'origin/master', tip.ctime + 1)).toEqual([pushed]);
  expect((await git(dir, ['log', '-1', '--pretty=%s', 'origin/master'])).trim()).toBe('Add a feature');
});

test('pushBreakingAndFixingCommits pushes a commit removing data.txt, then one restoring it', async () => {
  const p = demo.packages.find((x) => x.name === demo.failingPackage)!;
  const { breaking, fixing } = await pushBreakingAndFixingCommits(demo);
  expect(fixing.ctime).toBeGreaterThan(breaking.ctime);
  const up = p.upstream.replace('file://', '');
  await expect(git(up, ['cat-file', '-e', `${breaking.sha}:data.txt`])).rejects.toThrow();
  await git(up, ['cat-file', '-e', `${fixing.sha}:data.txt`]);
  expect((await git(up, ['rev-parse', 'master'])).trim()).toBe(fixing.sha);
  await expect(pushUpstreamCommit(demo, 'no-such-package', 'x')).rejects.toThrow(/no package 'no-such-package'/);
});
