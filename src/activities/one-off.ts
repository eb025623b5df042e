/** Activities of one-off runs (DLRN's --package-name runs): a package's HEAD for --dev, its spec's dependencies for --order. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Config } from '../config';
import type { BuildRequest } from '../domain/trunk-build';
import { parseSpecDeps, type SpecDeps } from '../domain/trunk/one-off';
import { ensureCommit, syncPackageHeads } from './clones';
import { cancellationSignal, heartbeat } from './context';
import { git } from './git';
import { cloneDirs } from './layout';
import type { PackageSource } from './pkginfo/source';
import { run } from './process';

export function createOneOffActivities(deps: { config: Config; packages: PackageSource }) {
  const { config } = deps;
  return {
    /**
     * DLRN's dev mode starts from an empty database, so it builds the HEAD
     * of the source and distgit branches (after DLRN's branch fallbacks),
     * whatever was built before.
     */
    async headBuildRequest(trunk: string, packageName: string): Promise<BuildRequest> {
      const pkg = await deps.packages.find(trunk, packageName);
      const { t, source, distgit } = await syncPackageHeads(config, trunk, pkg);
      return {
        trunk, release: t.release, packageName: pkg.name, project: pkg.project, commitHash: source.sha, distroHash: distgit.sha,
        extendedHash: null, dtCommit: source.ctime, dtDistro: distgit.ctime, commitBranch: source.branch,
        component: t.useComponents ? pkg.component : null, maintainers: pkg.maintainers,
      };
    },

    /**
     * What --order needs of each build's spec at its distgit commit: DLRN
     * preprocesses it with `rpmspec -P -D 'repo_bootstrap 1'`, then reads
     * its provides and BuildRequires. A spec rpmspec cannot expand is read raw.
     */
    async specDependencies(trunk: string, requests: BuildRequest[]): Promise<Record<string, SpecDeps>> {
      const out: Record<string, SpecDeps> = {};
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-order-'));
      try {
        for (const req of requests) {
          if (out[req.packageName]) continue;
          const pkg = await deps.packages.find(trunk, req.packageName);
          const dir = cloneDirs(config, trunk, pkg.name).distgit;
          await ensureCommit(pkg.distgit, dir, req.distroHash, cancellationSignal());
          const listed = (await git(dir, ['ls-tree', '--name-only', req.distroHash, pkg.distgitPath ? `${pkg.distgitPath}/` : '.'])).split('\n');
          const spec = listed.find((f) => f.endsWith('.spec'));
          if (!spec) throw new Error(`${pkg.distgit}: no .spec file${pkg.distgitPath ? ` in ${pkg.distgitPath}` : ''} at ${req.distroHash}`);
          const file = path.join(work, `${pkg.name}.spec`);
          fs.writeFileSync(file, await git(dir, ['show', `${req.distroHash}:${spec}`]));
          const expanded = await run('rpmspec', ['-D', 'repo_bootstrap 1', '-P', file]).then((r) => r.stdout, () => fs.readFileSync(file, 'utf8'));
          out[req.packageName] = parseSpecDeps(expanded);
          heartbeat(`read ${spec} of ${pkg.name}`);
        }
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
      return out;
    },
  };
}

export type OneOffActivities = ReturnType<typeof createOneOffActivities>;
