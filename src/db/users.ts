/** The `users` table: API accounts and their password hashes (DLRN's sha512_crypt, or trunkflow's scrypt). */
import type { Db } from './commits';

/** The stored hash of a user, or null when there is no such user. */
export async function passwordHash(db: Db, username: string): Promise<string | null> {
  const { rows } = await db.query<{ password: string }>('SELECT password FROM users WHERE username = $1', [username]);
  return rows[0]?.password ?? null;
}

/** Creates a user; false when the name is taken. */
export async function createUser(db: Db, username: string, hash: string): Promise<boolean> {
  const r = await db.query('INSERT INTO users (username, password) VALUES ($1, $2) ON CONFLICT (username) DO NOTHING', [username, hash]);
  return r.rowCount === 1;
}

/** Replaces a user's password hash; false when there is no such user. */
export async function setPassword(db: Db, username: string, hash: string): Promise<boolean> {
  const r = await db.query('UPDATE users SET password = $2 WHERE username = $1', [username, hash]);
  return r.rowCount === 1;
}

/**
 * Deletes a user; false when there is no such user. Votes and promotions keep
 * their author's name, so the user is deleted only when nothing names it.
 */
export async function deleteUser(db: Db, username: string): Promise<'deleted' | 'absent' | 'referenced'> {
  const { rows } = await db.query<{ refs: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM civotes WHERE "user" = $1) OR EXISTS (SELECT 1 FROM civotes_agg WHERE "user" = $1)
         OR EXISTS (SELECT 1 FROM promotions WHERE "user" = $1) AS refs`,
    [username],
  );
  if (rows[0].refs) return 'referenced';
  const r = await db.query('DELETE FROM users WHERE username = $1', [username]);
  return r.rowCount === 1 ? 'deleted' : 'absent';
}
