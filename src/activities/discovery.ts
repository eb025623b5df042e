/** Discovery activities (DLRN's getinfo): the trunk's packages and each package's new commits. */
import type { Pool } from 'pg';
import type { Config } from '../config';
import * as commits from '../db/commits';
import type { BuildRequest, RecheckAnswer, TrunkPackage } from '../domain/trunk-build';
import { newCommitsToBuild, planGitLog, shouldRecheck } from '../domain/trunk/commit-selection';
import { syncPackageHeads } from './clones';
import { cancellationSignal, heartbeat } from './context';
import { gitLog } from './git';
import type { PackageSource } from './pkginfo/source';

export interface DiscoveryDeps {
  pool: Pool;
  config: Config;
  packages: PackageSource;
}

export function createDiscoveryActivities(deps: DiscoveryDeps) {
  const { pool, config } = deps;
  return {
    async listTrunkPackages(trunk: string): Promise<TrunkPackage[]> {
      return deps.packages.packages(trunk, cancellationSignal());
    },

    /**
     * DLRN's getinfo for one package: refresh both clones, resolve the
     * configured branches (with DLRN's fallbacks), list the new source
     * commits and pair them with the distgit head, deduped against every
     * build row of the trunk.
     */
    async discoverPackageCommits(trunk: string, pkg: TrunkPackage): Promise<BuildRequest[]> {
      const { t, dirs, source, distgit } = await syncPackageHeads(config, trunk, pkg);
      const rows = await commits.packageRows(pool, trunk, pkg.name);
      // DLRN compares the last row's branch with the configured one, not the one a fallback resolved to.
      const tagsOnly = pkg.buildTagsOnly ?? false;
      const plan = planGitLog(rows, { sourceBranch: pkg.sourceBranch, ref: source.ref, tagsOnly });
      heartbeat(`listing new commits of ${pkg.name}`);
      const candidates = await gitLog(dirs.upstream, plan.gitArgs, { signal: cancellationSignal(), tagsOnly });
      const { toBuild } = newCommitsToBuild({
        projectName: pkg.name,
        plan,
        candidates,
        distgit: { hash: distgit.sha, time: distgit.ctime },
        // DLRN's dedupe query is not filtered by project: a shared distgit hash matters across packages.
        rows: await commits.rowsWithDistroHash(pool, trunk, distgit.sha),
        commitBranch: source.branch,
        component: t.useComponents ? pkg.component : null,
      });
      return toBuild.map((c) => ({
        trunk,
        release: t.release,
        packageName: pkg.name,
        project: pkg.project,
        commitHash: c.commitHash,
        distroHash: c.distroHash,
        extendedHash: c.extendedHash,
        dtCommit: c.dtCommit,
        dtDistro: c.dtDistro,
        commitBranch: c.commitBranch,
        component: c.component,
        maintainers: pkg.maintainers,
      }));
    },

    /**
     * DLRN's recheck: deletes the latest processed row when shouldRecheck says
     * so (it is FAILED), so discovery lists the commit again; else says why not.
     */
    async recheckPackage(trunk: string, packageName: string): Promise<RecheckAnswer> {
      const decision = shouldRecheck(await commits.packageRows(pool, trunk, packageName), { packageName });
      if (!decision.recheck) return { rechecked: false, packageName, httpStatus: decision.httpStatus, explanation: decision.explanation };
      await commits.deleteCommit(pool, decision.deleteRowId);
      return { rechecked: true, packageName, deletedRowId: decision.deleteRowId, explanation: decision.explanation };
    },
  };
}

export type DiscoveryActivities = ReturnType<typeof createDiscoveryActivities>;
