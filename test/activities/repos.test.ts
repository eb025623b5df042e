import { lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { atomicSymlink, createRepo, linkFiles, listRpms, readLink } from '../../src/activities/repos';
import { run } from '../../src/activities/process';

let tmp: string;
let built: string[];

/** One real noarch RPM and its SRPM, from a source-less spec. */
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tf-repos-'));
  const spec = join(tmp, 'tiny.spec');
  await writeFile(
    spec,
    'Name: tf-tiny\nVersion: 1\nRelease: 1\nSummary: tiny\nLicense: MIT\nBuildArch: noarch\n%description\ntiny\n%install\nmkdir -p %{buildroot}/usr/share/tf-tiny\necho x > %{buildroot}/usr/share/tf-tiny/x\n%files\n/usr/share/tf-tiny\n',
  );
  const top = join(tmp, 'top');
  await run('rpmbuild', ['-ba', '--define', `_topdir ${top}`, '--define', `_rpmdir ${tmp}/built`, '--define', `_srcrpmdir ${tmp}/built`, '--define', '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm', spec]);
  built = await listRpms(join(tmp, 'built'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** Package count and names from the primary metadata createrepo_c wrote. */
async function primary(dir: string) {
  const repomd = await readFile(join(dir, 'repodata', 'repomd.xml'), 'utf8');
  const href = /<data type="primary">[^]*?<location href="([^"]+)"/.exec(repomd)![1];
  const xml = gunzipSync(await readFile(join(dir, href))).toString();
  return { count: Number(/packages="(\d+)"/.exec(xml)![1]), arches: [...xml.matchAll(/<arch>(\w+)<\/arch>/g)].map((m) => m[1]).sort() };
}

test('listRpms finds the built RPM and SRPM', () => {
  expect(built.map((f) => f.replace(`${tmp}/built/`, ''))).toEqual(['tf-tiny-1-1.noarch.rpm', 'tf-tiny-1-1.src.rpm']);
});

test('createRepo indexes the RPMs (symlinked ones too) and leaves out SRPMs unless asked', async () => {
  const repo = join(tmp, 'repo');
  await mkdir(repo);
  const links = await linkFiles(built, repo);
  expect(await readLink(links[0])).toBe('../built/tf-tiny-1-1.noarch.rpm');
  await createRepo(repo, { includeSrpm: false });
  expect(await readdir(join(repo, 'repodata'))).toContain('repomd.xml');
  expect(await primary(repo)).toEqual({ count: 1, arches: ['noarch'] });
  await createRepo(repo, { includeSrpm: true });
  expect(await primary(repo)).toEqual({ count: 2, arches: ['noarch', 'src'] });
});

test('createRepo failures name the directory', async () => {
  await expect(createRepo(join(tmp, 'no-such-dir'), { includeSrpm: true })).rejects.toThrow(/createrepo_c .*no-such-dir/);
});

test('atomicSymlink creates, then replaces an existing link (and a stale temporary one)', async () => {
  const dir = join(tmp, 'links');
  await mkdir(join(dir, 'ab', 'cd', 'old'), { recursive: true });
  await mkdir(join(dir, 'ab', 'cd', 'new'), { recursive: true });
  const link = join(dir, 'current');
  expect(await readLink(link)).toBeNull();
  await atomicSymlink('ab/cd/old', link);
  expect(await readLink(link)).toBe('ab/cd/old');
  await symlink('garbage', `${link}_`);
  await atomicSymlink('ab/cd/new', link);
  expect(await readLink(link)).toBe('ab/cd/new');
  expect((await lstat(link)).isSymbolicLink()).toBe(true);
  expect(await readdir(dir)).toEqual(['ab', 'current']);
  expect(await readLink(join(dir, 'ab'))).toBeNull(); // a directory is not a link
});

test('linkFiles replaces a link pointing elsewhere and keeps a correct one', async () => {
  const dest = join(tmp, 'dest');
  await mkdir(dest);
  await symlink('elsewhere', join(dest, 'tf-tiny-1-1.src.rpm'));
  await linkFiles(built, dest);
  await linkFiles(built, dest);
  expect(await readLink(join(dest, 'tf-tiny-1-1.src.rpm'))).toBe('../built/tf-tiny-1-1.src.rpm');
  expect((await readdir(dest)).sort()).toEqual(['tf-tiny-1-1.noarch.rpm', 'tf-tiny-1-1.src.rpm']);
});
