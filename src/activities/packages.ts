import type { Pool } from 'pg';
import { packagesForRelease, type ResolvedPackage } from '../domain/rdoinfo';
import { loadRdoinfoDir } from './rdoinfo-files';
import { withTransaction } from '../db/pool';

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
        const before = new Set(
          (await client.query<{ name: string }>('SELECT name FROM packages WHERE release = $1', [input.release])).rows.map((r) => r.name),
        );
        const names = packages.map((p) => p.name);
        await client.query(
          `INSERT INTO projects (project_name) SELECT unnest($1::text[]) ON CONFLICT (project_name) DO NOTHING`,
          [names],
        );
        await client.query(
          `INSERT INTO packages (release, name, project, upstream, master_distgit, distgit, component, maintainers, details)
           SELECT $1, p->>'name', p->>'project', p->>'upstream', p->>'master-distgit', p->>'distgit', p->>'component',
                  COALESCE(p->'maintainers', '[]'::jsonb), p
             FROM jsonb_array_elements($2::jsonb) AS p
           ON CONFLICT (release, name) DO UPDATE SET
             project = EXCLUDED.project, upstream = EXCLUDED.upstream, master_distgit = EXCLUDED.master_distgit,
             distgit = EXCLUDED.distgit, component = EXCLUDED.component, maintainers = EXCLUDED.maintainers,
             details = EXCLUDED.details, synced_at = now()`,
          [input.release, JSON.stringify(packages)],
        );
        const removed = [...before].filter((name) => !names.includes(name)).sort();
        if (removed.length) await client.query('DELETE FROM packages WHERE release = $1 AND name = ANY($2)', [input.release, removed]);
        return { release: input.release, packages: packages.length, added: names.filter((n) => !before.has(n)), removed };
      });
    },
  };
}

export type PackageActivities = ReturnType<typeof createPackageActivities>;
