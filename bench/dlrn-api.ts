/**
 * DLRN API benchmark (npm run bench -- dlrn): trunkflow's API process against the real DLRN API
 * (PyPI DLRN 0.26.1 under gunicorn, 2 workers, as its docs deploy it) on the same data, 10,000
 * builds and 100,000 votes written by DLRN's own models and imported into trunkflow with
 * `import dlrn-db`. Reads: repo_status, promotions, last_tested_repo; writes: report_result with
 * HTTP Basic against a DLRN-stored sha512_crypt hash. Prints both side by side; asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool as PgPool } from 'pg';
import { Pool as HttpPool } from 'undici';
import { PROJECT_ROOT } from '../src/config';
import { importDlrnDatabase } from '../src/db/dlrn-import';
import { migrate } from '../src/db/migrate';
import { seedBulkDb, startDlrnOracle } from '../test/support/dlrn-oracle';
import { startTrunkflow } from '../test/support/trunkflow-process';

const temporalAddress = process.env.TRUNKFLOW_TEST_TEMPORAL_ADDRESS;
const adminUrl = process.env.TRUNKFLOW_TEST_DATABASE_URL;
if (!temporalAddress || !adminUrl) throw new Error('run through `npm run bench -- dlrn` (scripts/bench.sh starts the stack)');

const COUNTS = { commits: 10_000, votes: 100_000, promotions: 500 };
const USER = { username: 'bench', password: 'bench-secret' };
const BASEURL = 'http://127.0.0.1/repos';
const SECONDS = Number(process.env.TRUNKFLOW_BENCH_SECONDS ?? 10);
const CONCURRENCY = 8;

interface Request { method: 'GET' | 'POST'; path: string; body?: string; headers?: Record<string, string> }
interface Figures { requests: number; errors: number; firstError?: string; perSecond: number; p50: number; p99: number }

/** Sends requests from `next` on CONCURRENCY keep-alive connections for SECONDS; latencies in ms. */
async function load(base: string, next: (i: number) => Request): Promise<Figures> {
  const pool = new HttpPool(base, { connections: CONCURRENCY, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let i = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < deadline) {
      const req = next(i++);
      const t0 = performance.now();
      try {
        const res = await pool.request({ method: req.method, path: req.path, body: req.body, headers: req.headers });
        const text = await res.body.text();
        if (res.statusCode >= 300) {
          errors++;
          firstError ??= `${res.statusCode} ${text.slice(0, 200)}`;
        }
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
      latencies.push(performance.now() - t0);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return { requests: latencies.length, errors, firstError, perSecond: latencies.length / elapsed, p50: pct(0.5), p99: pct(0.99) };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-bench-dlrn-'));
  const dlrnDb = path.join(dir, 'dlrn.sqlite');
  let t = performance.now();
  const sample = seedBulkDb(dlrnDb, COUNTS, USER);
  const trunkflowCopy = path.join(dir, 'import.sqlite');
  fs.copyFileSync(dlrnDb, trunkflowCopy);
  console.log(`data: ${COUNTS.commits} builds, ${COUNTS.votes} votes, ${COUNTS.promotions} promotions written by DLRN's models in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const dbName = `tf_bench_dlrn_${randomBytes(3).toString('hex')}`;
  const admin = new PgPool({ connectionString: adminUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl!);
  url.pathname = `/${dbName}`;
  const pg = new PgPool({ connectionString: url.toString(), max: 2 });
  await migrate(pg);
  t = performance.now();
  await importDlrnDatabase(pg, trunkflowCopy, 'bench');
  console.log(`import dlrn-db of the same file: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await pg.end();

  const dlrn = await startDlrnOracle(dlrnDb, { workers: 2, baseurl: BASEURL });
  const tf = await startTrunkflow({
    databaseUrl: url.toString(), temporalAddress: temporalAddress!, taskQueue: `bench-dlrn-${randomBytes(3).toString('hex')}`,
    trunk: 'bench', baseurl: BASEURL, rdoinfo: path.resolve(PROJECT_ROOT, '..', 'shared', 'data', 'rdoinfo'), mode: 'api',
  });
  const auth = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;
  const pick = (i: number) => sample[(i * 7919) % sample.length]!;
  const cases: Array<{ name: string; next: (i: number) => Request; write?: boolean }> = [
    { name: 'GET repo_status', next: (i) => ({ method: 'GET', path: `/api/repo_status?commit_hash=${pick(i).commit_hash}&distro_hash=${pick(i).distro_hash}` }) },
    { name: 'GET promotions', next: () => ({ method: 'GET', path: '/api/promotions' }) },
    { name: 'GET last_tested_repo', next: (i) => ({ method: 'GET', path: `/api/last_tested_repo?max_age=0&job_id=job-${i % 20}` }) },
    {
      name: 'POST report_result',
      write: true,
      next: (i) => ({
        method: 'POST',
        path: '/api/report_result',
        headers: { authorization: auth, 'content-type': 'application/json' },
        // As dlrnapi_client sends it: success and timestamp as strings (DLRN 0.26.1 fails with a 500 on a JSON boolean).
        body: JSON.stringify({ ...pick(i), job_id: `bench-job-${i % 50}`, url: `https://ci.example.org/${i}`, timestamp: String(1700000000 + i), success: i % 2 === 0 ? 'True' : 'False', notes: '' }),
      }),
    },
  ];
  const rows: string[] = [];
  try {
    for (const c of cases) {
      // Warm-up, one request at a time: connections, caches, and trunkflow's one verification of the stored hash.
      for (const base of [dlrn.url, tf.url]) {
        const pool = new HttpPool(base, { connections: 1 });
        for (let i = 0; i < 3; i++) await (await pool.request(c.next(100_000 + i))).body.text();
        await pool.close();
      }
      const d = await load(dlrn.url, c.next);
      const f = await load(tf.url, c.next);
      const ratio = f.perSecond / d.perSecond;
      const goal = d.errors || f.errors ? 'errors: not comparable' : c.write ? `goal >= 10x: ${ratio >= 10 ? 'met' : 'NOT met'}` : `goal >= 20x and p99 < 20 ms: ${ratio >= 20 && f.p99 < 20 ? 'met' : 'NOT met'}`;
      const fmt = (x: Figures) => `${x.perSecond.toFixed(1).padStart(8)}/s p50 ${x.p50.toFixed(1).padStart(6)} ms p99 ${x.p99.toFixed(1).padStart(7)} ms (${x.requests} req, ${x.errors} errors)`;
      rows.push(`${c.name.padEnd(21)} DLRN ${fmt(d)} | trunkflow ${fmt(f)} | ${ratio.toFixed(1)}x, ${goal}`);
      for (const [who, x] of [['DLRN', d], ['trunkflow', f]] as const) {
        if (x.firstError) rows.push(`  ${who} first error: ${x.firstError}`);
      }
      console.log(rows.slice(-1)[0]);
    }
    console.log(`\nDLRN API benchmark (${SECONDS} s per case, ${CONCURRENCY} connections, same data on both):`);
    for (const r of rows) console.log(r);
    console.log(`peak RSS: DLRN gunicorn (master + 2 workers) ${(dlrn.peakRssKiB() / 1024).toFixed(0)} MiB, trunkflow api process ${(tf.peakRssKiB() / 1024).toFixed(0)} MiB`);
  } finally {
    await tf.stop();
    await dlrn.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`bench: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
