/**
 * Project repositories as git directories under one root, named as the
 * releases repository names them: `<root>/openstack/nova.git` (bare) or
 * `<root>/openstack/nova` (a work tree). The local profile and tests use it.
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { ProjectRepo, RepoLookupDriver } from './repo-driver';

const isDir = (p: string) => stat(p).then((s) => s.isDirectory(), () => false);

export function createLocalGitRepos(root: string): RepoLookupDriver {
  return {
    name: 'localgit',
    async locate(repo: string): Promise<ProjectRepo | null> {
      // Names come from deliverable files: refuse anything that would leave the root.
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(repo) || repo.split('/').includes('..')) return null;
      for (const dir of [path.join(root, `${repo}.git`), path.join(root, repo)]) {
        if ((await isDir(path.join(dir, 'refs'))) || (await isDir(path.join(dir, '.git')))) return { url: dir, gitDir: dir };
      }
      return null;
    },
  };
}
