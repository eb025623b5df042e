/** Queries of DLRN's `projects` table: one row per package name, holding the mail throttle. */
import type { Db } from './commits';

/** When the maintainers of a package were last mailed (epoch seconds; 0 when never). */
export async function lastEmail(db: Db, projectName: string): Promise<number> {
  const { rows } = await db.query<{ last_email: number }>('SELECT last_email FROM projects WHERE project_name = $1', [projectName]);
  return rows[0]?.last_email ?? 0;
}

export async function setLastEmail(db: Db, projectName: string, epoch: number): Promise<void> {
  await db.query(
    `INSERT INTO projects (project_name, last_email) VALUES ($1, $2)
     ON CONFLICT (project_name) DO UPDATE SET last_email = EXCLUDED.last_email`, [projectName, epoch]);
}

/** Adds a `projects` row for each name that has none (rows are never deleted, as in DLRN). */
export async function ensureProjects(db: Db, names: string[]): Promise<void> {
  await db.query('INSERT INTO projects (project_name) SELECT unnest($1::text[]) ON CONFLICT (project_name) DO NOTHING', [names]);
}
