/** The rdoinfo driver: packages of an rdoinfo checkout tagged with the trunk's release, tag overrides applied. */
import { packagesForRelease } from '../../domain/rdoinfo';
import type { PackageEntry } from '../../domain/trunk-build';
import { loadRdoinfoDir } from '../rdoinfo-files';
import type { PkgInfoDriver } from './driver';

export function createRdoinfoDriver(opts: { path: string; entry: string; release: string }): PkgInfoDriver {
  return {
    kind: 'rdoinfo',
    async packages() {
      return packagesForRelease(loadRdoinfoDir(opts.path, opts.entry), opts.release).map((p): PackageEntry => ({
        // A release's tag overrides (source-branch, distro-branch, …) win over the package's own keys.
        ...p.extra,
        ...((p.tags[opts.release] ?? {}) as Record<string, unknown>),
        name: p.name,
        project: p.project,
        upstream: p.upstream,
        'master-distgit': p['master-distgit'],
        maintainers: p.maintainers,
        component: p.component,
        // DLRN's build-tags-only test looks for a tag of that name too.
        tags: p.tags,
      }));
    },
  };
}
