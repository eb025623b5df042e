/** The gitrepo driver (DLRN's GitRepoDriver): one repository with a directory per package, e.g. openstack/rpm-packaging. */
import type { PackageEntry } from '../../domain/trunk-build';
import { lockedSyncClone } from '../clones';
import { git } from '../git';
import { PkgInfoError, type PkgInfoDriver } from './driver';

export interface GitRepoOptions {
  repo: string;
  directory: string;
  branch: string;
  upstreamPrefix: string;
  skip: string[];
  maintainers: string[];
  /** Where the repository is cloned. */
  cloneDir: string;
}

export function createGitRepoDriver(opts: GitRepoOptions): PkgInfoDriver {
  const directory = opts.directory.replace(/^\/+|\/+$/g, '');
  return {
    kind: 'gitrepo',
    async packages(signal) {
      await lockedSyncClone(opts.repo, opts.cloneDir, signal);
      let listing: string;
      try {
        listing = await git(opts.cloneDir, ['ls-tree', '-d', '--name-only', `origin/${opts.branch}:${directory}`]);
      } catch (err) {
        throw new PkgInfoError(`${opts.repo}: no directory ${directory} on branch ${opts.branch}: ${(err as Error).message.split('\n')[0]}`);
      }
      return listing.split('\n').filter((name) => name && !opts.skip.includes(name)).map((name): PackageEntry => ({
        name,
        project: name,
        upstream: `${opts.upstreamPrefix.replace(/\/+$/, '')}/${name}`,
        // Every package shares the one repository; its spec lives in its own directory.
        'master-distgit': opts.repo,
        'distgit-path': `${directory}/${name}`,
        'distro-branch': opts.branch,
        maintainers: opts.maintainers,
      }));
    },
  };
}
