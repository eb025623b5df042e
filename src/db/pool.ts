/** The PostgreSQL pool and the transaction helper every query module composes with. */
import { Pool, type PoolClient } from 'pg';

/** One pool per process; callers end it on shutdown. */
export function createPool(url: string, max = 10): Pool {
  const pool = new Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs fn in one transaction: committed when it resolves, rolled back whole when it throws. */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/** Answers when the database does (status probes). */
export async function ping(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}
