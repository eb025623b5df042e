/**
 * `npm run bench -- postbuild`: the post-build activity's cost per build at 100
 * and 1000 packages, in process, on real PostgreSQL, real RPMs (one distinct
 * NEVRA per package, made once by rpmbuild and cached) and real createrepo_c.
 * Each package has a SUCCESS row and its repo dir; then 32 builds of new
 * versions finish 4 at a time: each is prepared (prepareRepoDir, as the trunk
 * runs it when a build reports, beside the post-builds) and post-built one
 * after the other, as the trunk runs them.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { createPackageSource } from '../src/activities/pkginfo/source';
import { createPostBuildActivities } from '../src/activities/post-build';
import { createReportWriter } from '../src/activities/reports';
import { buildConfig, PROJECT_ROOT } from '../src/config';
import { insertCommit } from '../src/db/commits';
import { migrate } from '../src/db/migrate';
import type { BuildOutcome, BuildRequest } from '../src/domain/trunk-build';
import { shardedCommitDir } from '../src/domain/trunk/hashes';

const TIMED_BUILDS = 32;
const SLOTS = 4;
const CACHE = path.join(os.homedir(), '.cache', 'trunkflow', 'bench-rpms');

/** N noarch RPMs `tfbench-pNNNN-<version>-1`, built once by one rpmbuild run (subpackages), cached. */
function benchRpms(count: number, version: string): string {
  const dir = path.join(CACHE, `v1-${count}-${version}`);
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-bench-rpmbuild-'));
  const names = Array.from({ length: count }, (_, i) => `tfbench-p${String(i).padStart(4, '0')}`);
  const spec = [
    'Name: tfbench', `Version: ${version}`, 'Release: 1', 'Summary: trunkflow post-build benchmark', 'License: Apache-2.0', 'BuildArch: noarch',
    '%description', 'Packages for the post-build benchmark.', '',
    ...names.flatMap((n) => [`%package -n ${n}`, `Summary: ${n}`, `%description -n ${n}`, n, '']),
    '%install', 'mkdir -p %{buildroot}/usr/share/tfbench',
    ...names.map((n) => `echo ${n} > %{buildroot}/usr/share/tfbench/${n}.txt`), '',
    ...names.flatMap((n) => [`%files -n ${n}`, `/usr/share/tfbench/${n}.txt`]), '',
  ].join('\n');
  fs.writeFileSync(path.join(top, 'tfbench.spec'), spec);
  console.log(`  building ${count} benchmark RPMs (version ${version}) once, into ${dir}`);
  execFileSync('rpmbuild', ['-bb', '--define', `_topdir ${top}`, path.join(top, 'tfbench.spec')], { stdio: 'ignore', maxBuffer: 1 << 26 });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(path.join(top, 'RPMS', 'noarch'))) fs.renameSync(path.join(top, 'RPMS', 'noarch', f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, '.complete'), '');
  fs.rmSync(top, { recursive: true, force: true });
  return dir;
}

const hex = () => randomBytes(20).toString('hex');

/** Mean and median post-build time (ms) of TIMED_BUILDS builds on a trunk of `count` packages. */
async function postBuildAt(adminUrl: string, count: number): Promise<{ mean: number; median: number; prepare: number; reports: number }> {
  const v1 = benchRpms(count, '1.0');
  const v2 = benchRpms(TIMED_BUILDS + 1, '2.0');
  const dbName = `tf_bench_postbuild_${count}_${randomBytes(3).toString('hex')}`;
  const admin = new Pool({ connectionString: adminUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const data = fs.mkdtempSync(path.join(os.tmpdir(), `tf-bench-postbuild-${count}-`));
  const list = path.join(data, 'packages.yml');
  const name = (i: number) => `tfbench-p${String(i).padStart(4, '0')}`;
  fs.writeFileSync(list, `packages:\n${Array.from({ length: count }, (_, i) =>
    `  - { name: ${name(i)}, upstream: "https://opendev.org/openstack/${name(i)}", master-distgit: "https://review.example.org/openstack/${name(i)}-distgit" }\n`).join('')}`);
  const trunk = 'bench-postbuild';
  const config = buildConfig({
    database: { url: url.toString() }, paths: { data },
    // No source RPMs in these repos: the benchmark's RPMs are binary ones only.
    trunks: [{ name: trunk, release: 'bench', pkginfo: { driver: 'local', path: list }, includeSrpmInRepo: false, schedule: '1h' }],
  }, 'bench', PROJECT_ROOT, {});
  const pool = new Pool({ connectionString: config.database.url, max: 4 });
  try {
    await migrate(pool);
    const repos = path.join(config.paths.repos, trunk);
    // Each package's last success: its repo dir with its RPM, and its row.
    for (let i = 0; i < count; i++) {
      const hashes = { commitHash: hex(), distroHash: hex() };
      const dir = shardedCommitDir(hashes);
      const rpm = `${name(i)}-1.0-1.noarch.rpm`;
      fs.mkdirSync(path.join(repos, dir), { recursive: true });
      fs.linkSync(path.join(v1, rpm), path.join(repos, dir, rpm));
      await insertCommit(pool, {
        trunk, projectName: name(i), ...hashes, extendedHash: null, dtCommit: 1_700_000_000 + i, dtDistro: 1_700_000_000, dtExtended: 0,
        dtBuild: 1_700_000_000 + i, repoDir: '', distgitDir: '', commitBranch: 'master', status: 'SUCCESS', component: null,
        artifacts: `repos/${dir}/${rpm}`, notes: 'OK', versionsCsv: null,
      });
    }
    const packages = createPackageSource(config);
    const post = createPostBuildActivities({ pool, config, packages, reports: createReportWriter({ pool, config, packages }) });
    const times: number[] = [];
    const prepareTimes: number[] = [];
    const reportTimes: number[] = [];
    const request = (k: number): BuildRequest => ({
      trunk, release: 'bench', packageName: name(k), project: name(k), commitHash: hex(), distroHash: hex(), extendedHash: null,
      dtCommit: 1_800_000_000 + k, dtDistro: 1_800_000_000, commitBranch: 'master', component: null, maintainers: [],
    });
    const attemptOf = (req: BuildRequest, k: number) => {
      const dir = shardedCommitDir(req);
      const rpm = `${name(k)}-2.0-1.noarch.rpm`;
      fs.mkdirSync(path.join(repos, dir), { recursive: true });
      fs.linkSync(path.join(v2, rpm), path.join(repos, dir, rpm));
      return { ok: true, dtBuild: 1_800_000_000 + k, repoDir: dir, rpms: [`repos/${dir}/${rpm}`], nvr: null, logPath: `${dir}/rpmbuild.log` };
    };
    // Builds finish SLOTS at a time, as on a trunk with that many build slots: the trunk prepares
    // each repo dir when its build reports, then post-builds them one after the other. Build 0 warms up.
    for (let first = 0; first <= TIMED_BUILDS; first += SLOTS) {
      const group = Array.from({ length: Math.min(SLOTS, TIMED_BUILDS + 1 - first) }, (_, j) => first + j).map((k) => {
        const req = request(k);
        return { k, req, attempt: attemptOf(req, k) };
      });
      const outcomes: BuildOutcome[] = group.map((b) => ({ request: b.req, buildWorkflowId: `bench-${b.k}`, status: 'SUCCESS', retries: 0, attempt: b.attempt }));
      // As the trunk does when they report: each prepared counting the ones in line before it.
      for (const [j, b] of group.entries()) {
        const started = performance.now();
        await post.prepareRepoDir(outcomes[j], outcomes.slice(0, j));
        if (b.k > 0) prepareTimes.push(performance.now() - started);
      }
      for (const [j, b] of group.entries()) {
        const started = performance.now();
        const result = await post.postBuild(outcomes[j], { writeReports: false });
        if (!result.currentMoved) throw new Error(`post-build of ${name(b.k)} did not move current`);
        if (b.k > 0) times.push(performance.now() - started);
      }
      // The trunk writes the report pages beside the post-builds, once for a burst of them.
      const started = performance.now();
      await post.writeTrunkReports(trunk);
      if (first > 0) reportTimes.push(performance.now() - started);
    }
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const prepare = avg(prepareTimes);
    const reportsMs = avg(reportTimes);
    const sorted = [...times].sort((a, b) => a - b);
    return { mean: times.reduce((a, b) => a + b, 0) / times.length, median: sorted[Math.floor(sorted.length / 2)], prepare, reports: reportsMs };
  } finally {
    await pool.end();
    fs.rmSync(data, { recursive: true, force: true });
  }
}

/** Prints the cost per build at 100 and 1000 packages and their ratio, with the process's peak RSS. */
export async function postBuildBench(adminUrl: string): Promise<void> {
  const small = await postBuildAt(adminUrl, 100);
  const line = (n: number, r: { mean: number; median: number; prepare: number; reports: number }) =>
    `post-build cost at ${n} packages: mean ${r.mean.toFixed(1)} ms, median ${r.median.toFixed(1)} ms per build ` +
    `(beside the post-builds: repo dir prepared ahead ${r.prepare.toFixed(1)} ms per build, report pages ${r.reports.toFixed(1)} ms per burst of ${SLOTS})`;
  console.log(line(100, small));
  const large = await postBuildAt(adminUrl, 1000);
  console.log(line(1000, large));
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(`post-build cost ratio 1000/100 packages: ${(large.mean / small.mean).toFixed(2)} by mean, ${(large.median / small.median).toFixed(2)} by median ` +
    `(goal <= 1.5; before: 126.3 ms vs 47.7 ms, 2.65) [bench process peak RSS ${rss.toFixed(0)} MiB]`);
}
