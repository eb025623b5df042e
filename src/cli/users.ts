/** `trunkflow user create|delete|password`: the DLRN API's accounts (DLRN's dlrn-user). */
import * as fs from 'node:fs';
import type { Config } from '../config';
import { hashPassword } from '../api/dlrn/passwords';
import { createPool } from '../db/pool';
import { migrate } from '../db/migrate';
import * as users from '../db/users';

export interface PasswordSource {
  password?: string;
  passwordStdin?: boolean;
}

/** The password from --password or the first line of stdin; an error names the missing option. */
export function readPassword(opts: PasswordSource): string {
  const text = opts.passwordStdin ? fs.readFileSync(0, 'utf8').split(/\r?\n/)[0] : opts.password;
  if (text === undefined) throw new Error('give the password with --password <text> or --password-stdin');
  if (text.length === 0) throw new Error('the password must not be empty');
  return text;
}

function checkName(username: string): void {
  if (!username || username.length > 255 || /[:\s]/.test(username) || username.includes('\u0000')) {
    throw new Error(`user name ${JSON.stringify(username)}: 1 to 255 characters, no ':' or whitespace (HTTP Basic cannot carry them)`);
  }
}

/** Runs one user command against the configured database; returns the line to print. */
export async function userCommand(config: Config, action: 'create' | 'delete' | 'password', username: string, opts: PasswordSource): Promise<string> {
  checkName(username);
  const pool = createPool(config.database.url, 1);
  try {
    await migrate(pool);
    if (action === 'delete') {
      const r = await users.deleteUser(pool, username);
      if (r === 'absent') throw new Error(`user ${username} does not exist`);
      if (r === 'referenced') throw new Error(`user ${username} has votes or promotions; set a new password instead of deleting it`);
      return `deleted user ${username}`;
    }
    const hash = await hashPassword(readPassword(opts));
    if (action === 'create') {
      if (!(await users.createUser(pool, username, hash))) throw new Error(`user ${username} exists already (use: trunkflow user password)`);
      return `created user ${username}`;
    }
    if (!(await users.setPassword(pool, username, hash))) throw new Error(`user ${username} does not exist`);
    return `changed the password of ${username}`;
  } finally {
    await pool.end();
  }
}
