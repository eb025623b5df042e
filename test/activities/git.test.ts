import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  commitFile,
  commitsSince,
  commitTime,
  describeVersion,
  exportTree,
  git,
  initBare,
  initWorkTree,
  pushBranch,
  resolveBranch,
  syncClone,
  tag,
} from '../../src/activities/git';

const T0 = 1_600_000_000;
let tmp: string;
let work: string;
let remote: string;
let url: string;
let clone: string;
const c: Record<string, string> = {};

/*
 * master: c1 (tag 1.0.0) - c2 - c3 (tag x-eol) - m - c4
 *                             \              /
 * side:                        s1 -----------
 * s1 is dated between c2 and c3, so only --first-parent keeps it out.
 */
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tf-git-'));
  work = join(tmp, 'work');
  remote = join(tmp, 'remote.git');
  url = `file://${remote}`;
  clone = join(tmp, 'cache', 'deep', 'project');
  await initBare(remote, 'master');
  await initWorkTree(work, 'master');
  c.c1 = await commitFile(work, { 'README.md': 'v1\n' }, 'c1', { authorDate: T0 });
  await tag(work, '1.0.0');
  c.c2 = await commitFile(work, { 'README.md': 'v2\n' }, 'c2', { authorDate: T0 + 100 });
  await git(work, ['checkout', '--quiet', '-b', 'side']);
  c.s1 = await commitFile(work, { 'side.txt': 'side\n' }, 's1', { authorDate: T0 + 150 });
  await git(work, ['checkout', '--quiet', 'master']);
  c.c3 = await commitFile(work, { 'later.txt': 'later\n' }, 'c3', { authorDate: T0 + 200 });
  await tag(work, 'x-eol');
  await git(work, ['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'merge', '--no-ff', '--quiet', '-m', 'merge side', 'side'],
    { env: { GIT_AUTHOR_DATE: `@${T0 + 300} +0000`, GIT_COMMITTER_DATE: `@${T0 + 300} +0000` } });
  c.m = (await git(work, ['rev-parse', 'HEAD'])).trim();
  c.c4 = await commitFile(work, { 'README.md': 'v4\n' }, 'c4', { authorDate: T0 + 400 });
  await pushBranch(work, url, 'master', { tags: true });
  await git(work, ['push', '--quiet', url, 'side:refs/heads/side']);
  await syncClone(url, clone);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('commitsSince', () => {
  test('lists first-parent commits from an inclusive bound, oldest first', async () => {
    expect(await commitsSince(clone, 'origin/master', T0 + 100)).toEqual([
      { sha: c.c2, ctime: T0 + 100 },
      { sha: c.c3, ctime: T0 + 200 },
      { sha: c.m, ctime: T0 + 300 },
      { sha: c.c4, ctime: T0 + 400 },
    ]);
  });

  test('without first-parent the side commit would be there: the merge is really walked first-parent', async () => {
    const all = (await git(clone, ['log', '--pretty=%H', `--after=@${T0 + 100}`, 'origin/master'])).split('\n');
    expect(all).toContain(c.s1);
    expect((await commitsSince(clone, 'origin/master', T0)).map((x) => x.sha)).toEqual([c.c1, c.c2, c.c3, c.m, c.c4]);
    // A short number is still epoch seconds, not a day or a year.
    expect((await commitsSince(clone, 'origin/master', 0)).map((x) => x.sha)).toEqual([c.c1, c.c2, c.c3, c.m, c.c4]);
  });

  test('a bound after the tip finds nothing; null gives the tip only', async () => {
    expect(await commitsSince(clone, 'origin/master', T0 + 401)).toEqual([]);
    expect(await commitsSince(clone, 'origin/master', T0 + 400)).toEqual([{ sha: c.c4, ctime: T0 + 400 }]);
    expect(await commitsSince(clone, 'origin/master', null)).toEqual([{ sha: c.c4, ctime: T0 + 400 }]);
    expect(await commitsSince(clone, 'origin/side', null)).toEqual([{ sha: c.s1, ctime: T0 + 150 }]);
  });
});

describe('resolveBranch: the domain fallback plan probed on a real clone', () => {
  test('a missing stable branch with no unmaintained branch nor eol tag falls back to master', async () => {
    expect(await resolveBranch(clone, 'stable/2025.1', { source: 'stable/2025.1' })).toEqual({
      ref: 'origin/master',
      branch: 'master',
      sha: c.c4,
      ctime: T0 + 400,
    });
  });

  test('the <release>-eol tag wins over master', async () => {
    expect(await resolveBranch(clone, 'stable/x', { source: 'stable/x' })).toEqual({ ref: 'refs/tags/x-eol', branch: 'x-eol', sha: c.c3, ctime: T0 + 200 });
  });

  test('a tag or a commit SHA is taken as it is', async () => {
    expect(await resolveBranch(clone, '1.0.0')).toEqual({ ref: 'refs/tags/1.0.0', branch: '1.0.0', sha: c.c1, ctime: T0 });
    expect(await resolveBranch(clone, c.c2)).toEqual({ ref: c.c2, branch: c.c2, sha: c.c2, ctime: T0 + 100 });
  });

  test('a remote branch other than the source branch is used as is', async () => {
    expect((await resolveBranch(clone, 'side', { source: 'master' })).sha).toBe(c.s1);
  });

  test('with fallback off, names the repo and every ref tried', async () => {
    await expect(resolveBranch(clone, 'x-rdo', { source: 'master', fallbackToMaster: false })).rejects.toThrow(
      `${clone}: none of the branches or tags 'x-rdo' exists in origin`,
    );
  });
});

test('describeVersion gives the latest reachable tag, ignoring DLRN-ignored ones, or null', async () => {
  expect(await describeVersion(clone, c.c4)).toBe('1.0.0'); // x-eol is closer but ignored
  expect(await describeVersion(clone, c.c1)).toBe('1.0.0');
  const bare = join(tmp, 'untagged');
  await initWorkTree(bare, 'master');
  const only = await commitFile(bare, { a: 'a' }, 'only', { authorDate: T0 });
  expect(await describeVersion(bare, only)).toBeNull();
});

test('commitTime is the committer time', async () => {
  expect(await commitTime(clone, c.m)).toBe(T0 + 300);
});

test('exportTree writes exactly the tree of that commit, without .git', async () => {
  const dest = join(tmp, 'export-c2');
  await exportTree(clone, c.c2, dest);
  expect((await readdir(dest)).sort()).toEqual(['README.md']);
  expect(await readFile(join(dest, 'README.md'), 'utf8')).toBe('v2\n');
  const dest4 = join(tmp, 'export-c4');
  await exportTree(clone, c.c4, dest4);
  expect((await readdir(dest4)).sort()).toEqual(['README.md', 'later.txt', 'side.txt']);
});

test('syncClone fetches incrementally: same clone, new commits, pruned branches, moved tags', async () => {
  const objects = (await stat(join(clone, '.git', 'objects'))).ino;
  await writeFile(join(clone, '.git', 'tf-marker'), 'survives a fetch, not a re-clone');
  const c5 = await commitFile(work, { 'README.md': 'v5\n' }, 'c5', { authorDate: T0 + 500 });
  await pushBranch(work, url, 'master');
  await git(work, ['push', '--quiet', url, ':refs/heads/side']);
  await tag(work, '1.0.0', c.c2);
  await git(work, ['push', '--quiet', '--force', url, 'refs/tags/1.0.0']);

  await syncClone(url, clone);

  expect(await readFile(join(clone, '.git', 'tf-marker'), 'utf8')).toContain('survives');
  expect((await stat(join(clone, '.git', 'objects'))).ino).toBe(objects);
  expect((await resolveBranch(clone, 'master')).sha).toBe(c5);
  expect(await commitsSince(clone, 'origin/master', T0 + 400)).toEqual([
    { sha: c.c4, ctime: T0 + 400 },
    { sha: c5, ctime: T0 + 500 },
  ]);
  await expect(resolveBranch(clone, 'side')).rejects.toThrow(/none of/);
  expect((await resolveBranch(clone, '1.0.0')).sha).toBe(c.c2);
});

test('syncClone replaces a leftover directory that holds no clone', async () => {
  const dir = join(tmp, 'leftover');
  await mkdir(dir);
  await writeFile(join(dir, 'half-cloned'), '');
  await syncClone(url, dir);
  expect((await resolveBranch(dir, 'master')).sha).toBe((await resolveBranch(clone, 'master')).sha);
  await expect(stat(join(dir, 'half-cloned'))).rejects.toThrow();
});

test('syncClone of a missing repository fails naming it', async () => {
  await expect(syncClone(`file://${tmp}/missing.git`, join(tmp, 'missing'))).rejects.toThrow(/missing\.git/);
  await expect(stat(join(tmp, 'missing'))).rejects.toThrow();
});
