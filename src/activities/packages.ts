/** Records the packages rdoinfo resolves for a release (the syncPackages workflow's activity). */
import type { Pool } from 'pg';
import { packagesForRelease, type ResolvedPackage } from '../domain/rdoinfo';
import { loadRdoinfoDir } from './rdoinfo-files';
import { withTransaction } from '../db/pool';
import * as db from '../db/packages';
import { ensureProjects } from '../db/projects';

export interface SyncPackagesInput {
  release: string;
  /** rdoinfo checkout; the worker's configured one when absent. */
  rdoinfoPath?: string;
}

export interface SyncPackagesResult {
  release: string;
  packages: number;
  added: string[];
  removed: string[];
}

export interface PackageActivityDeps {
  pool: Pool;
  rdoinfoPath: string;
  rdoinfoEntry: string;
}

/** Activities that read rdoinfo and record it in the database. */
export function createPackageActivities(deps: PackageActivityDeps) {
  return {
    /**
     * Resolves the release's packages from rdoinfo and records them, all in one
     * transaction: `projects` (DLRN's table, one row per package name, never
     * deleted) and `packages` (the resolved entries of this release).
     */
    async recordRdoinfoPackages(input: SyncPackagesInput): Promise<SyncPackagesResult> {
      const info = loadRdoinfoDir(input.rdoinfoPath ?? deps.rdoinfoPath, deps.rdoinfoEntry);
      const packages: ResolvedPackage[] = packagesForRelease(info, input.release);
      return withTransaction(deps.pool, async (client) => {
        const before = new Set(await db.packageNames(client, input.release));
        const names = packages.map((p) => p.name);
        await ensureProjects(client, names);
        await db.upsertPackages(client, input.release, packages);
        const removed = [...before].filter((name) => !names.includes(name)).sort();
        await db.deletePackages(client, input.release, removed);
        return { release: input.release, packages: packages.length, added: names.filter((n) => !before.has(n)), removed };
      });
    },
  };
}

export type PackageActivities = ReturnType<typeof createPackageActivities>;
