/** The real DLRN API (PyPI DLRN 0.26.1 under gunicorn) as a peer for tests and benchmarks: venv, seed, start, stop. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../src/config';
import { waitFor } from './wait';

const ORACLE_SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'dlrn-oracle.py');

let venvDir: string | undefined;

/** The cached virtualenv with DLRN, gunicorn and dlrnapi (created by scripts/dlrn-venv.sh on first use). */
export function dlrnVenv(): string {
  venvDir ??= execFileSync('bash', [path.join(PROJECT_ROOT, 'scripts', 'dlrn-venv.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim().split('\n').pop()!;
  return venvDir;
}

/** A user the fixtures carry (commits_2.yaml: foo / bar), with DLRN's stored sha512_crypt hash. */
export const FIXTURE_USER = { username: 'foo', password: 'bar' };

/** A new DLRN database (SQLite file, or a mysql+pymysql:// URL) holding DLRN's own API test fixtures plus the given users. */
export function seedFixtureDb(file: string, users: Array<{ username: string; password: string }> = []): void {
  runOracle(['seed', '--db', file, ...users.flatMap((u) => ['--user', `${u.username}:${u.password}`])]);
}

/** A new SQLite DLRN database with synthetic builds and votes (the benchmark's data); returns some SUCCESS builds' hashes. */
export function seedBulkDb(file: string, counts: { commits: number; votes: number; promotions: number }, user: { username: string; password: string }): Array<{ commit_hash: string; distro_hash: string }> {
  const sample = `${file}.sample.json`;
  runOracle(['bulk', '--db', file, '--commits', String(counts.commits), '--votes', String(counts.votes),
    '--promotions', String(counts.promotions), '--user', `${user.username}:${user.password}`, '--sample-out', sample]);
  return JSON.parse(fs.readFileSync(sample, 'utf8')) as Array<{ commit_hash: string; distro_hash: string }>;
}

function runOracle(args: string[]): void {
  execFileSync(path.join(dlrnVenv(), 'bin', 'python'), [ORACLE_SCRIPT, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface DlrnOracle {
  /** Base URL, e.g. http://127.0.0.1:PORT (the API is under /api). */
  url: string;
  /** Where DLRN writes promotion symlinks. */
  repoDir: string;
  process: ChildProcess;
  /** Peak RSS (KiB) of gunicorn's master and workers, read from /proc while it runs. */
  peakRssKiB(): number;
  stop(): Promise<void>;
}

/** Starts DLRN's API app under gunicorn on a loopback port, on the given SQLite database. */
export async function startDlrnOracle(db: string, opts: { workers?: number; baseurl?: string } = {}): Promise<DlrnOracle> {
  const repoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrn-oracle-repos-'));
  const port = await freePort();
  const args = [ORACLE_SCRIPT, 'serve', '--db', db, '--port', String(port), '--repo-dir', repoDir,
    '--workers', String(opts.workers ?? 1)];
  if (opts.baseurl) args.push('--baseurl', opts.baseurl);
  const child = spawn(path.join(dlrnVenv(), 'bin', 'python'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => { exited = true; });
  await waitFor('the DLRN API under gunicorn', async () => {
    if (exited) throw new Error(`DLRN oracle exited before answering:\n${stderr}`);
    try {
      return (await fetch(`${url}/api/health`)).ok;
    } catch {
      return false;
    }
  }, 60_000, 200);
  let peak = 0;
  const sample = () => { peak = Math.max(peak, treeRssKiB(child.pid!)); };
  const timer = setInterval(sample, 200);
  timer.unref();
  return {
    url,
    repoDir,
    process: child,
    peakRssKiB: () => { sample(); return peak; },
    async stop() {
      clearInterval(timer);
      if (!exited) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await done;
      }
      fs.rmSync(repoDir, { recursive: true, force: true });
    },
  };
}

/** Summed RSS of a process and its children (gunicorn forks its workers), from /proc. */
export function treeRssKiB(pid: number): number {
  const pids = [pid];
  try {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) pids.push(Number(entry));
      } catch { /* gone meanwhile */ }
    }
  } catch { /* no /proc */ }
  let total = 0;
  for (const p of pids) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) total += Number(m[1]);
    } catch { /* gone meanwhile */ }
  }
  return total;
}
