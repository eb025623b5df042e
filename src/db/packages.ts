/** Queries of the `packages` table: the rdoinfo entries each release resolves to. */
import type { ResolvedPackage } from '../domain/rdoinfo';
import type { Db } from './commits';

/** Names of the packages recorded for a release. */
export async function packageNames(db: Db, release: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM packages WHERE release = $1', [release]);
  return rows.map((r) => r.name);
}

/** Inserts or refreshes every resolved package of a release in one statement. */
export async function upsertPackages(db: Db, release: string, packages: readonly ResolvedPackage[]): Promise<void> {
  await db.query(
    `INSERT INTO packages (release, name, project, upstream, master_distgit, distgit, component, maintainers, details)
     SELECT $1, p->>'name', p->>'project', p->>'upstream', p->>'master-distgit', p->>'distgit', p->>'component',
            COALESCE(p->'maintainers', '[]'::jsonb), p
       FROM jsonb_array_elements($2::jsonb) AS p
     ON CONFLICT (release, name) DO UPDATE SET
       project = EXCLUDED.project, upstream = EXCLUDED.upstream, master_distgit = EXCLUDED.master_distgit,
       distgit = EXCLUDED.distgit, component = EXCLUDED.component, maintainers = EXCLUDED.maintainers,
       details = EXCLUDED.details, synced_at = now()`,
    [release, JSON.stringify(packages)],
  );
}

export async function deletePackages(db: Db, release: string, names: string[]): Promise<void> {
  if (names.length) await db.query('DELETE FROM packages WHERE release = $1 AND name = ANY($2)', [release, names]);
}
