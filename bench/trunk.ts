/**
 * Trunk builder benchmarks (npm run bench), against the private stack
 * scripts/bench.sh starts. Each prints its figure; none asserts.
 *  1. parallel efficiency: the real flamingo list x 1 commit, simulated 2 s builds, 8 slots;
 *  2. post-build cost per build at 100 and 1000 packages (bench/post-build.ts: in process, real RPMs);
 *  3. webhook -> build start latency on the demo trunk (real git);
 *  4. recovery: a build host killed mid-build, until its builds run again elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { stringify } from 'yaml';
import { createApiServer } from '../src/api/server';
import { generateDemoTrunk, pushUpstreamCommit } from '../src/activities/demo';
import { createPackageSource } from '../src/activities/pkginfo/source';
import { enqueueBuilds, requestDiscovery } from '../src/control/trunk';
import { buildConfig, PROJECT_ROOT, type Config } from '../src/config';
import { migrate } from '../src/db/migrate';
import type { BuildRequest, TrunkPackage } from '../src/domain/trunk-build';
import { buildWorkflowId } from '../src/domain/trunk/hashes';
import { startWorker } from '../src/worker';
import { postBuildBench } from './post-build';
import { killHost, recoverySeconds, startBuildHost, untilBuilding } from '../test/support/build-hosts';

const temporalAddress = process.env.TRUNKFLOW_TEST_TEMPORAL_ADDRESS;
const adminUrl = process.env.TRUNKFLOW_TEST_DATABASE_URL;
if (!temporalAddress || !adminUrl) throw new Error('run through `npm run bench` (scripts/bench.sh starts the stack)');
const SHARED_RDOINFO = path.resolve(PROJECT_ROOT, '..', 'shared', 'data', 'rdoinfo');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hex = () => randomBytes(20).toString('hex');

async function freshSetup(name: string, trunk: Record<string, unknown>, extra: Record<string, unknown> = {}, roles = { orchestration: true, builds: true }) {
  const db = `tf_bench_${name.replace(/-/g, '_')}_${randomBytes(3).toString('hex')}`;
  const admin = new Pool({ connectionString: adminUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const url = new URL(adminUrl!);
  url.pathname = `/${db}`;
  const data = fs.mkdtempSync(path.join(os.tmpdir(), `tf-bench-${name}-`));
  const queue = `bench-${name}-${randomBytes(3).toString('hex')}`;
  const config = buildConfig({
    temporal: { address: temporalAddress, taskQueues: { orchestration: queue, builds: `${queue}-builds` } },
    database: { url: url.toString() },
    paths: { data },
    rdoinfo: { path: SHARED_RDOINFO },
    trunks: [{ name, schedule: '1h', ...trunk }],
    http: { port: 0 },
    ...extra,
  }, 'bench', PROJECT_ROOT, {});
  const pool = new Pool({ connectionString: config.database.url, max: 4 });
  await migrate(pool);
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const worker = await startWorker(config, roles);
  return {
    config, pool, client, data,
    async close() {
      await worker.shutdown();
      await pool.end();
      await connection.close();
    },
  };
}

function requestsFor(config: Config, trunk: string, packages: TrunkPackage[]): BuildRequest[] {
  const t = config.trunks[0];
  return packages.map((p, i) => ({
    trunk, release: t.release, packageName: p.name, project: p.project, commitHash: hex(), distroHash: hex(), extendedHash: null,
    dtCommit: 1_700_000_000 + i, dtDistro: 1_700_000_000, commitBranch: 'master', component: null, maintainers: p.maintainers,
  }));
}

async function waitForRows(pool: Pool, trunk: string, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM commits WHERE trunk = $1', [trunk]);
    if (Number(rows[0].n) >= count) return;
    if (Date.now() > deadline) throw new Error(`${trunk}: only ${rows[0].n} of ${count} builds after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

interface ActivitySpan { scheduled: number; start: number; end: number }

/** Scheduled, start and end times of every run of one activity type in the workflows a query finds. */
async function activitySpans(client: Client, query: string, activityType: string): Promise<ActivitySpan[]> {
  const out: ActivitySpan[] = [];
  for await (const run of client.workflow.list({ query })) {
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const scheduled = new Map<string, number>();
    const started = new Map<string, { scheduled: number; start: number }>();
    for (const e of history.events ?? []) {
      const id = String(e.eventId);
      if (e.activityTaskScheduledEventAttributes?.activityType?.name === activityType) scheduled.set(id, ms(e.eventTime));
      const s = e.activityTaskStartedEventAttributes;
      if (s && scheduled.has(String(s.scheduledEventId))) started.set(id, { scheduled: scheduled.get(String(s.scheduledEventId))!, start: ms(e.eventTime) });
      const c = e.activityTaskCompletedEventAttributes;
      if (c && started.has(String(c.startedEventId))) out.push({ ...started.get(String(c.startedEventId))!, end: ms(e.eventTime) });
    }
  }
  return out;
}

/**
 * Each build start after the first round takes the slot of the earliest build
 * that ended before it; the gap between them is that slot's idle turnover. It is
 * the trunk's fault when the next build was not yet queued when the slot freed,
 * the build queue's (dispatch) when it was.
 */
function slotTurnovers(spans: ActivitySpan[], slots: number): Array<{ idle: number; waitedOnTrunk: boolean }> {
  const starts = [...spans].sort((a, b) => a.start - b.start);
  const freed = starts.slice(0, slots).map((s) => s.end).sort((a, b) => a - b);
  const out: Array<{ idle: number; waitedOnTrunk: boolean }> = [];
  for (const span of starts.slice(slots)) {
    const at = freed.shift() ?? span.start;
    out.push({ idle: Math.max(0, span.start - at), waitedOnTrunk: span.scheduled > at });
    freed.push(span.end);
    freed.sort((a, b) => a - b);
  }
  return out;
}

/** Peak resident memory of this process (the worker runs in it) and of the Temporal dev server, in MiB. */
function peakRss(): string {
  const own = process.resourceUsage().maxRSS / 1024;
  let temporalServer = 'unknown';
  try {
    const pid = fs.readFileSync(path.join(process.env.TRUNKFLOW_STATE_DIR ?? '', 'run', 'temporal.pid'), 'utf8').trim();
    const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (hwm) temporalServer = `${(Number(hwm[1]) / 1024).toFixed(0)} MiB`;
  } catch {
    // No pid file (another stack layout): the server's figure is left out.
  }
  return `[peak RSS: bench+worker ${own.toFixed(0)} MiB, Temporal server ${temporalServer}]`;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

async function parallelEfficiency(): Promise<void> {
  const name = 'bench-par';
  const slots = 8;
  const buildSeconds = 2;
  const setup = await freshSetup(name, {
    release: 'flamingo', buildSlots: slots, buildDriver: 'simulated', simulated: { durationMs: buildSeconds * 1000, sources: false },
  });
  try {
    const packages = await createPackageSource(setup.config).packages(name);
    const started = Date.now();
    await enqueueBuilds(setup.client, setup.config, name, requestsFor(setup.config, name, packages));
    await waitForRows(setup.pool, name, packages.length, 15 * 60_000);
    const makespan = (Date.now() - started) / 1000;
    const ideal = (packages.length * buildSeconds) / slots;
    // Where the rest goes: how busy the build slots were, and each slot turnover's idle time.
    const spans = await activitySpans(setup.client, `Trunk = '${name}' AND WorkflowType = 'buildPackage'`, 'buildCommit');
    const busy = spans.reduce((sum, s) => sum + (s.end - s.start), 0) / 1000;
    const turnovers = slotTurnovers(spans, slots);
    const idle = turnovers.map((t) => t.idle);
    const late = turnovers.filter((t) => t.waitedOnTrunk).length;
    console.log(`  build slots busy ${((100 * busy) / (makespan * slots)).toFixed(1)}% of the makespan; idle per slot turnover ` +
      `mean ${mean(idle).toFixed(0)} ms, p50 ${quantile(idle, 0.5).toFixed(0)}, p90 ${quantile(idle, 0.9).toFixed(0)}, max ${Math.max(...idle).toFixed(0)}; ` +
      `${late} of ${turnovers.length} turnovers found no build waiting (the trunk was late); ` +
      `first build started after ${((Math.min(...spans.map((x) => x.start)) - started) / 1000).toFixed(1)} s, last ended after ${((Math.max(...spans.map((x) => x.end)) - started) / 1000).toFixed(1)} s`);
    console.log(`parallel efficiency: ${packages.length} packages x 1 commit, ${buildSeconds} s simulated builds, ${slots} slots: ` +
      `makespan ${makespan.toFixed(1)} s, ideal ${ideal.toFixed(1)} s, ratio ${(makespan / ideal).toFixed(3)} (goal <= 1.15) ${peakRss()}`);
  } finally {
    await setup.close();
  }
}

async function webhookLatency(samples: number): Promise<void> {
  const name = 'bench-hook';
  const setup = await freshSetup(name, {
    release: 'demo', demo: true, buildSlots: 2, buildDriver: 'simulated', simulated: { durationMs: 0, sources: false },
  });
  const packageSource = createPackageSource(setup.config);
  const app = createApiServer({
    pool: setup.pool, config: setup.config,
    trunks: { packages: (t) => packageSource.packages(t), discover: (t, p, reason) => requestDiscovery(setup.client, setup.config, t, p, reason) },
  });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const demo = await generateDemoTrunk(path.join(setup.data, 'demo'));
    await requestDiscovery(setup.client, setup.config, name, undefined, 'bench warm-up');
    await waitForRows(setup.pool, name, demo.packages.length, 120_000);
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const pkg = demo.packages[i % demo.packages.length];
      const pushed = await pushUpstreamCommit(demo, pkg.name, `bench change ${i}`);
      const distro = execFileSync('git', ['--git-dir', new URL(pkg.distgit).pathname, 'rev-parse', 'rpm-master'], { encoding: 'utf8' }).trim();
      const workflowId = buildWorkflowId(name, pkg.name, { commitHash: pushed.sha, distroHash: distro, extendedHash: null });
      const sent = Date.now();
      const res = await fetch(`http://127.0.0.1:${port}/api/webhooks/github`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': 'push' },
        body: JSON.stringify({ ref: 'refs/heads/master', after: pushed.sha, repository: { full_name: pkg.project, clone_url: pkg.upstream } }),
      });
      if (res.status !== 202) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
      const handle = setup.client.workflow.getHandle(workflowId);
      for (;;) {
        const d = await handle.describe().catch(() => null);
        if (d) {
          latencies.push(d.startTime.getTime() - sent);
          break;
        }
        if (Date.now() - sent > 60_000) throw new Error(`build ${workflowId} did not start within 60 s`);
        await sleep(20);
      }
      await handle.result();
    }
    console.log(`webhook -> build start over ${samples} pushes: p50 ${quantile(latencies, 0.5)} ms, p99 ${quantile(latencies, 0.99)} ms (goal p50 < 1000 ms)`);
  } finally {
    await app.close();
    await setup.close();
  }
}

/**
 * A build host killed with SIGKILL in the middle of 6 builds, another started
 * at once: seconds until each killed build runs again (default timeouts).
 */
async function recovery(): Promise<void> {
  const name = `recovery-${randomBytes(2).toString('hex')}`;
  const setup = await freshSetup(name, { release: 'demo', demo: true, buildSlots: 6, buildDriver: 'simulated', simulated: { durationMs: 8000 } }, {}, { orchestration: true, builds: false });
  const configFile = path.join(setup.data, 'trunkflow.yaml');
  fs.writeFileSync(configFile, stringify({
    temporal: { address: setup.config.temporal.address, taskQueues: setup.config.temporal.taskQueues },
    database: { url: setup.config.database.url },
    paths: { data: setup.data },
    trunks: [{ name, release: 'demo', demo: true, buildSlots: 6, buildDriver: 'simulated', simulated: { durationMs: 8000 }, schedule: '1h' }],
  }));
  const log = path.join(setup.data, 'hosts.log');
  const hosts = [startBuildHost(configFile, log)];
  try {
    await requestDiscovery(setup.client, setup.config, name, undefined, 'bench');
    await untilBuilding(path.join(setup.config.paths.repos, name), 120_000, log);
    const killedAt = Date.now();
    killHost(hosts[0]);
    hosts.push(startBuildHost(configFile, log));
    await waitForRows(setup.pool, name, 6, 180_000);
    const seconds = await recoverySeconds(setup.client, name, killedAt);
    console.log(`recovery after kill -9 of a build host: ${seconds.length} builds ran again, worst ${Math.max(...seconds).toFixed(1)} s, best ${Math.min(...seconds).toFixed(1)} s (goal <= 30 s; before: 165 s) ${peakRss()}`);
  } finally {
    for (const h of hosts) killHost(h);
    await setup.close();
  }
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'parallel') await parallelEfficiency();
  if (!only || only === 'postbuild' || only === 'post-build') await postBuildBench(adminUrl!);
  if (!only || only === 'webhook') await webhookLatency(30);
  if (!only || only === 'recovery') await recovery();
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`bench: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
