/** Applies the ordered SQL migrations in src/db/migrations, once, under an advisory lock. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pool } from 'pg';
import { PROJECT_ROOT } from '../config';

/** Ordered SQL files; the name's numeric prefix is the version. */
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'src', 'db', 'migrations');

// Any fixed number works; it only has to be the same for every trunkflow process.
const MIGRATION_LOCK_KEY = 7_233_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Map<number, string>();
  return files.map((file) => {
    const match = /^(\d+)_[\w-]+\.sql$/.exec(file);
    if (!match) throw new Error(`${path.join(dir, file)}: migration file names must look like 001_name.sql`);
    const version = Number(match[1]);
    const clash = seen.get(version);
    if (clash) throw new Error(`${path.join(dir, file)}: version ${version} is also used by ${clash}`);
    seen.set(version, file);
    return { version, name: file, sql: fs.readFileSync(path.join(dir, file), 'utf8') };
  });
}

/**
 * Applies pending migrations, each in its own transaction, under a session
 * advisory lock so that concurrent starters (worker and API at once) are safe.
 * Returns the names of the migrations it applied.
 */
export async function migrate(pool: Pool, migrations: Migration[] = readMigrations()): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.name} failed: ${(err as Error).message}`);
      }
      applied.push(migration.name);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
  return applied;
}
