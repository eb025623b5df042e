/** A private MariaDB server on a loopback port and a scratch data dir (the MySQL side of the DLRN import), started and stopped by the test. */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './dlrn-oracle';
import { waitFor } from './wait';

export interface MariaDb {
  port: number;
  /** mysql://root@127.0.0.1:<port>/<database> */
  url(database: string): string;
  query(sql: string): string;
  stop(): Promise<void>;
}

function binary(names: string[]): string {
  for (const n of names) {
    for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin'])) {
      const p = path.join(dir, n);
      if (fs.existsSync(p)) return p;
    }
  }
  throw new Error(`none of ${names.join(', ')} found: scripts/dlrn-deps.sh installs mariadb-server`);
}

export async function startMariaDb(): Promise<MariaDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-mariadb-'));
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const port = await freePort();
  const user = process.getuid?.() === 0 ? ['--user=root'] : [];
  execFileSync(binary(['mariadb-install-db', 'mysql_install_db']), ['--no-defaults', `--datadir=${data}`, ...user, '--skip-test-db', '--auth-root-authentication-method=normal'], { stdio: 'ignore' });
  // No grant tables: any local client is root; the server listens on loopback only.
  const child = spawn(binary(['mariadbd', 'mysqld']), ['--no-defaults', `--datadir=${data}`, `--socket=${socket}`, `--port=${port}`,
    '--bind-address=127.0.0.1', '--skip-grant-tables', '--skip-name-resolve', `--pid-file=${path.join(dir, 'mysqld.pid')}`, ...user],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  let exited = false;
  child.once('exit', () => { exited = true; });
  await waitFor('MariaDB', async () => {
    if (exited) throw new Error(`mariadbd exited:\n${stderr}`);
    return new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
  }, 60_000, 200);
  const client = binary(['mariadb', 'mysql']);
  return {
    port,
    url: (database) => `mysql://root@127.0.0.1:${port}/${database}`,
    query: (sql) => execFileSync(client, ['--no-defaults', '-h', '127.0.0.1', '-P', String(port), '-u', 'root', '-N', '-e', sql], { encoding: 'utf8' }),
    async stop() {
      if (!exited) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([done, new Promise((r) => setTimeout(r, 20_000))]);
        if (!exited) child.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
