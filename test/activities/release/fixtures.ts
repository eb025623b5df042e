/** Builders of real releases and project repositories on disk for the release pipeline tests. */
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { commitFile, git, initBare, initWorkTree, pushBranch } from '../../../src/activities/git';
import { PROJECT_ROOT } from '../../../src/config';

export const FIXTURE_ROOT = path.join(PROJECT_ROOT, 'test', 'fixtures', 'releases');

export interface ProjectRepo {
  /** The bare repository (the "remote" under <reposRoot>/<org>/<name>.git). */
  bare: string;
  /** A work tree whose origin is bare, for making commits. */
  work: string;
  commit(message: string, files?: Record<string, string>): Promise<string>;
}

/** A releases repository root (deliverables/, data/series_status.yaml from the real fixture) and a repos root. */
export async function makeReleasesRoot(): Promise<{ root: string; reposRoot: string; writeDeliverable(series: string, name: string, yaml: string): Promise<string> }> {
  const base = await mkdtemp(path.join(tmpdir(), 'tf-releases-'));
  const root = path.join(base, 'releases');
  await mkdir(path.join(root, 'data'), { recursive: true });
  await copyFile(path.join(FIXTURE_ROOT, 'data', 'series_status.yaml'), path.join(root, 'data', 'series_status.yaml'));
  const reposRoot = path.join(base, 'git');
  return {
    root,
    reposRoot,
    async writeDeliverable(series, name, yaml) {
      const file = path.join(root, 'deliverables', series, `${name}.yaml`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, yaml);
      return file;
    },
  };
}

/** A project repository `<reposRoot>/<repo>.git` with a work tree beside it, on master with a .gitreview. */
export async function makeProjectRepo(reposRoot: string, repo: string): Promise<ProjectRepo> {
  const bare = path.join(reposRoot, `${repo}.git`);
  const work = path.join(reposRoot, '..', 'work', repo);
  await initBare(bare, 'master');
  await initWorkTree(work, 'master');
  await git(work, ['remote', 'add', 'origin', bare]);
  let n = 0;
  const commit = async (message: string, files: Record<string, string> = {}) => {
    n += 1;
    const sha = await commitFile(work, { [`file${n}.txt`]: `${message}\n`, ...files }, message, { authorDate: 1_700_000_000 + n * 60 });
    return sha;
  };
  await commit('initial', { '.gitreview': `[gerrit]\nproject=${repo}.git\n` });
  await pushBranch(work, 'origin', 'master');
  return { bare, work, commit };
}

export interface ReleasesRepo {
  bare: string;
  work: string;
  /** Merges a change (files under the releases repo) into master with a merge commit, pushes it and returns the merge commit. */
  merge(files: Record<string, string>, subject: string): Promise<string>;
}

/** A releases repository (bare, with a work tree) holding the real series status data. */
export async function makeReleasesRepo(base: string): Promise<ReleasesRepo> {
  const bare = path.join(base, 'releases.git');
  const work = path.join(base, 'releases-work');
  await initBare(bare, 'master');
  await initWorkTree(work, 'master');
  await git(work, ['remote', 'add', 'origin', bare]);
  await mkdir(path.join(work, 'data'), { recursive: true });
  await copyFile(path.join(FIXTURE_ROOT, 'data', 'series_status.yaml'), path.join(work, 'data', 'series_status.yaml'));
  await commitFile(work, {}, 'series status data');
  await pushBranch(work, 'origin', 'master');
  let n = 0;
  return {
    bare,
    work,
    async merge(files, subject) {
      n += 1;
      await git(work, ['checkout', '--quiet', '-b', `change-${n}`, 'master']);
      await commitFile(work, files, subject);
      await git(work, ['checkout', '--quiet', 'master']);
      await git(work, ['-c', 'user.name=Zuul', '-c', 'user.email=zuul@localhost', 'merge', '--quiet', '--no-ff', '-m', `Merge "${subject}"`, `change-${n}`]);
      await pushBranch(work, 'origin', 'master');
      return (await git(work, ['rev-parse', 'HEAD'])).trim();
    },
  };
}
