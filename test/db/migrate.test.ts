import { Pool } from 'pg';
import { migrate, readMigrations } from '../../src/db/migrate';
import { stackEnv, uniqueName } from '../support/stack';

async function freshDatabase(): Promise<{ pool: Pool; drop: () => Promise<void> }> {
  const { adminDatabaseUrl } = stackEnv();
  const name = uniqueName('tf_migrate');
  const admin = new Pool({ connectionString: adminDatabaseUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.toString(), max: 6 });
  return {
    pool,
    drop: async () => {
      await pool.end();
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    },
  };
}

// DLRN's tables and columns (dlrn/db.py), which a DLRN database's rows must fit.
const DLRN_COLUMNS: Record<string, string[]> = {
  commits: ['id', 'type', 'dt_commit', 'dt_distro', 'dt_extended', 'dt_build', 'project_name', 'repo_dir', 'distgit_dir',
    'commit_hash', 'distro_hash', 'extended_hash', 'commit_branch', 'status', 'component', 'artifacts', 'notes', 'flags', 'versions_csv'],
  projects: ['id', 'project_name', 'last_email'],
  civotes: ['id', 'commit_id', 'ci_name', 'ci_url', 'ci_vote', 'ci_in_progress', 'timestamp', 'notes', 'user', 'component'],
  civotes_agg: ['id', 'ref_hash', 'ci_name', 'ci_url', 'ci_vote', 'ci_in_progress', 'timestamp', 'notes', 'user'],
  promotions: ['id', 'commit_id', 'promotion_name', 'timestamp', 'user', 'component', 'aggregate_hash'],
  users: ['username', 'password'],
};

describe('migrations', () => {
  it('creates the DLRN tables with DLRN column names', async () => {
    const db = await freshDatabase();
    try {
      const applied = await migrate(db.pool);
      expect(applied).toEqual(readMigrations().map((m) => m.name));
      for (const [table, columns] of Object.entries(DLRN_COLUMNS)) {
        const { rows } = await db.pool.query<{ column_name: string }>(
          'SELECT column_name FROM information_schema.columns WHERE table_name = $1', [table]);
        // Every DLRN column is there; trunkflow adds only `trunk` to commits and aggregate votes (one database, several trunks).
        const extra = table === 'commits' || table === 'civotes_agg' ? ['trunk'] : [];
        expect(rows.map((r) => r.column_name).sort()).toEqual([...columns, ...extra].sort());
      }
      // A DLRN-shaped row goes in as it is.
      await db.pool.query(`INSERT INTO commits (dt_commit, dt_distro, dt_build, project_name, repo_dir, distgit_dir, commit_hash,
        distro_hash, commit_branch, status, artifacts, notes, flags) VALUES (1, 2, 3, 'python-foo', '/d/foo', '/d/foo_distro',
        'abc', 'def', 'master', 'SUCCESS', 'repos/ab/c/x.rpm', 'OK', 0)`);
      expect((await db.pool.query('SELECT type FROM commits')).rows[0].type).toBe('rpm');
    } finally {
      await db.drop();
    }
  });

  it('applies each migration once when several processes start together', async () => {
    const db = await freshDatabase();
    try {
      const results = await Promise.all([migrate(db.pool), migrate(db.pool), migrate(db.pool)]);
      expect(results.flat().sort()).toEqual(readMigrations().map((m) => m.name).sort());
      expect(await migrate(db.pool)).toEqual([]);
    } finally {
      await db.drop();
    }
  });

  it('rolls back a failing migration whole and names it', async () => {
    const db = await freshDatabase();
    try {
      const broken = [{ version: 1, name: '001_broken.sql', sql: 'CREATE TABLE half (id int); SELECT no_such_function();' }];
      await expect(migrate(db.pool, broken)).rejects.toThrow('migration 001_broken.sql failed');
      const { rows } = await db.pool.query("SELECT to_regclass('half') AS t");
      expect(rows[0].t).toBeNull();
    } finally {
      await db.drop();
    }
  });
});
