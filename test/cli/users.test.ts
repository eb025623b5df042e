import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Authenticator } from '../../src/api/dlrn/auth';
import { PROJECT_ROOT } from '../../src/config';
import { isolatedStack, type IsolatedStack } from '../support/stack';

const BIN = path.join(PROJECT_ROOT, 'bin', 'trunkflow.js');

describe('trunkflow user', () => {
  let stack: IsolatedStack;
  beforeAll(async () => {
    stack = await isolatedStack();
  });
  afterAll(async () => stack?.teardown());

  const user = (args: string[], input = '') => {
    const run = spawnSync(process.execPath, [BIN, 'user', ...args], {
      cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'tf-cli-user-')),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: stack.config.database.url },
      input, encoding: 'utf8', timeout: 60_000,
    });
    return { code: run.status, out: run.stdout.trim(), err: run.stderr.trim() };
  };
  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

  it('creates, re-passwords and deletes API users, storing scrypt hashes the API accepts', async () => {
    expect(user(['create', 'alice', '--password-stdin'], 's3cret\n')).toEqual({ code: 0, out: 'created user alice', err: '' });
    const { rows } = await stack.pool.query("SELECT password FROM users WHERE username = 'alice'");
    expect(rows[0].password).toMatch(/^\$scrypt\$/);
    expect(await new Authenticator(stack.pool, 0).authenticate(basic('alice', 's3cret'))).toBe('alice');

    const again = user(['create', 'alice', '--password', 'x']);
    expect(again.code).toBe(1);
    expect(again.err).toBe('trunkflow user create: user alice exists already (use: trunkflow user password)');
    expect(user(['create', 'bob']).err).toBe('trunkflow user create: give the password with --password <text> or --password-stdin');
    expect(user(['create', 'a:b', '--password', 'x']).code).toBe(1);

    expect(user(['password', 'alice', '--password', 'n3w']).out).toBe('changed the password of alice');
    expect(await new Authenticator(stack.pool, 0).authenticate(basic('alice', 's3cret'))).toBeNull();
    expect(await new Authenticator(stack.pool, 0).authenticate(basic('alice', 'n3w'))).toBe('alice');
    expect(user(['password', 'nobody', '--password', 'x']).err).toBe('trunkflow user password: user nobody does not exist');

    expect(user(['delete', 'alice']).out).toBe('deleted user alice');
    expect(user(['delete', 'alice']).err).toBe('trunkflow user delete: user alice does not exist');
    expect((await stack.pool.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(0);
  }, 120_000);
});
