import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { trunkPaths } from '../../src/activities/layout';
import { createPackageSource } from '../../src/activities/pkginfo/source';
import { createPostBuildActivities } from '../../src/activities/post-build';
import { createReportWriter } from '../../src/activities/reports';
import { insertCommit } from '../../src/db/commits';
import type { BuildAttempt, BuildOutcome, BuildRequest } from '../../src/domain/trunk-build';
import { shardedCommitDir } from '../../src/domain/trunk/hashes';
import { isolatedStack, uniqueName, type IsolatedStack } from '../support/stack';

const DAY = 86400;
const sha = (c: string) => c.repeat(40);

describe('post-build files and report pages (real PostgreSQL, createrepo_c)', () => {
  let stack: IsolatedStack;
  let trunk: string;
  let repos: string;
  let post: ReturnType<typeof createPostBuildActivities>;
  let queued: Array<{ projectName: string; commitHash: string; dtCommit: number }>;

  beforeAll(async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-post-'));
    const list = path.join(data, 'packages.yml');
    fs.writeFileSync(list, [
      'packages:',
      '  - { name: python-alpha, upstream: "https://opendev.org/openstack/alpha", master-distgit: "https://review.example.org/openstack/alpha-distgit", maintainers: [a@example.org] }',
      '  - { name: python-beta, upstream: "https://github.com/openstack/beta", master-distgit: "https://review.example.org/openstack/beta-distgit", maintainers: [b@example.org] }',
      '',
    ].join('\n'));
    trunk = uniqueName('post').replace('_', '-');
    stack = await isolatedStack({
      paths: { data },
      trunks: [{ name: trunk, release: 'x', target: 'centos10-stream', projectName: 'Example', pkginfo: { driver: 'local', path: list }, schedule: '1h' }],
    });
    repos = trunkPaths(stack.config, trunk).repos;
    const packages = createPackageSource(stack.config);
    queued = [];
    const reports = createReportWriter({ pool: stack.pool, config: stack.config, packages, queuedBuilds: async () => queued });
    post = createPostBuildActivities({ pool: stack.pool, config: stack.config, packages, reports });
  });
  afterAll(async () => stack?.teardown());

  const request = (pkg: string, commit: string): BuildRequest => ({
    trunk, release: 'x', packageName: pkg, project: pkg, commitHash: sha(commit), distroHash: sha('d'), extendedHash: null,
    dtCommit: 1_700_000_000, dtDistro: 1_699_999_000, commitBranch: 'master', component: null, maintainers: ['a@example.org'],
  });
  const attemptOf = (req: BuildRequest, ok: boolean, dtBuild: number): BuildAttempt => {
    const repoDir = shardedCommitDir(req);
    const dir = path.join(repos, repoDir);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'rpmbuild.log'), ok ? 'built\n' : 'error: Bad exit status\n');
    const rpms = ok ? [`${req.packageName}-1.0-0.noarch.rpm`, `${req.packageName}-1.0-0.src.rpm`] : [];
    for (const r of rpms) fs.writeFileSync(path.join(dir, r), 'placeholder');
    return {
      ok, dtBuild, repoDir, rpms: rpms.map((r) => `repos/${repoDir}/${r}`), nvr: null, logPath: `${repoDir}/rpmbuild.log`,
      failure: ok ? undefined : { status: 'FAILED', reason: 'rpmbuild failed: Bad exit status' },
    };
  };
  const outcome = (req: BuildRequest, attempt: BuildAttempt): BuildOutcome => ({
    request: req, buildWorkflowId: `build:${req.packageName}`, status: attempt.ok ? 'SUCCESS' : 'FAILED', attempt, retries: 0,
  });
  const commitYamlOf = (req: BuildRequest) => parse(fs.readFileSync(path.join(repos, shardedCommitDir(req), 'commit.yaml'), 'utf8')).commits[0];

  it('writes commit.yaml for a FAILED build too, with the values DLRN dumps, and notes.log', async () => {
    const req = request('python-beta', 'b');
    const result = await post.postBuild(outcome(req, attemptOf(req, false, 1_700_000_100)));
    expect(result.status).toBe('FAILED');
    const doc = commitYamlOf(req);
    expect(doc).toMatchObject({
      id: String(result.commitId), status: 'FAILED', project_name: 'python-beta', commit_hash: sha('b'), distro_hash: sha('d'),
      dt_commit: '1700000000.0', dt_distro: '1699999000', dt_extended: '0', dt_build: '1700000100', extended_hash: 'None',
      artifacts: 'None', versions_csv: 'None', flags: '0', notes: 'rpmbuild failed: Bad exit status', type: 'rpm',
    });
    expect(fs.readFileSync(path.join(repos, shardedCommitDir(req), 'notes.log'), 'utf8')).toBe('rpmbuild failed: Bad exit status');
    const { rows } = await stack.pool.query('SELECT dt_extended, versions_csv FROM commits WHERE id = $1', [result.commitId]);
    expect(rows[0]).toEqual({ dt_extended: 0, versions_csv: null });
  });

  it('writes commit.yaml for a SUCCESS with the artifacts, and no versions_csv (DLRN sets it for downstream builds only)', async () => {
    const req = request('python-alpha', 'a');
    queued = [{ projectName: 'python-beta', commitHash: sha('c'), dtCommit: 1_700_000_500 }];
    const result = await post.postBuild(outcome(req, attemptOf(req, true, 1_700_000_200)));
    expect(result.status).toBe('SUCCESS');
    const doc = commitYamlOf(req);
    expect(doc).toMatchObject({ status: 'SUCCESS', notes: 'OK', dt_extended: '0', versions_csv: 'None', dt_commit: '1700000000.0' });
    expect(doc.artifacts.split(',')).toEqual([
      `repos/${shardedCommitDir(req)}/python-alpha-1.0-0.noarch.rpm`, `repos/${shardedCommitDir(req)}/python-alpha-1.0-0.src.rpm`,
    ]);
    expect(fs.existsSync(path.join(repos, shardedCommitDir(req), 'notes.log'))).toBe(false);
  });

  it('writes the pages with the configured title, styles.css and the queue with its dates', () => {
    const report = fs.readFileSync(path.join(repos, 'report.html'), 'utf8');
    expect(report).toContain('<title>Example Packaging By DLRN</title>');
    expect(report).toContain('<h1>Delorean - Centos10-stream (master)</h1>');
    expect(fs.readFileSync(path.join(repos, 'styles.css'), 'utf8')).toContain('tr.failure');
    const queue = fs.readFileSync(path.join(repos, 'queue.html'), 'utf8');
    expect(queue).toContain(`<tr><td>2023-11-14 22:21:40</td><td>python-beta</td><td class="commit"><a href="https://github.com/openstack/beta/commit/${sha('c')}">`);
  });

  it('shows the last success of a package red for longer than the newest 300 rows', async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = {
      trunk, projectName: 'python-beta', distroHash: sha('d'), extendedHash: null, dtCommit: now - 30 * DAY, dtDistro: now - 30 * DAY,
      dtExtended: 0, repoDir: '/r', distgitDir: '/d', commitBranch: 'master', component: null, notes: '', versionsCsv: null,
    } as const;
    await insertCommit(stack.pool, { ...base, commitHash: sha('1'), dtBuild: now - 20 * DAY, status: 'SUCCESS', artifacts: 'repos/x/y.rpm' });
    await insertCommit(stack.pool, { ...base, commitHash: sha('2'), dtBuild: now - 19 * DAY, status: 'FAILED', artifacts: null });
    // 350 newer rows of another package push both out of the newest 300.
    for (let i = 0; i < 350; i++) {
      await insertCommit(stack.pool, { ...base, projectName: 'python-alpha', commitHash: sha('e'), dtBuild: now - 10 * DAY + i, status: 'SUCCESS', artifacts: 'repos/x/z.rpm' });
    }
    await insertCommit(stack.pool, { ...base, commitHash: sha('3'), dtBuild: now - DAY, status: 'FAILED', artifacts: null });
    await createReportWriter({ pool: stack.pool, config: stack.config, packages: createPackageSource(stack.config) }).writeReports(trunk);
    const html = fs.readFileSync(path.join(repos, 'status_report.html'), 'utf8');
    const beta = html.split('\n').find((l) => l.includes('<td>python-beta</td>'))!;
    expect(beta).toContain('<td>20 days</td>');
    expect(beta).toContain(`>${sha('2')}</a> (`); // the first failure after that success, not the newest
    expect(beta).not.toContain('Never');
  });
});

describe('repo dirs prepared ahead of their post-build (real PostgreSQL, createrepo_c)', () => {
  let stack: IsolatedStack;
  let trunk: string;
  let repos: string;
  let post: ReturnType<typeof createPostBuildActivities>;

  beforeAll(async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-prepare-'));
    const list = path.join(data, 'packages.yml');
    fs.writeFileSync(list, `packages:\n${['a', 'b', 'c'].map((p) =>
      `  - { name: python-${p}, upstream: "https://opendev.org/openstack/${p}", master-distgit: "https://review.example.org/openstack/${p}-distgit" }\n`).join('')}`);
    trunk = uniqueName('prep').replace('_', '-');
    stack = await isolatedStack({ paths: { data }, trunks: [{ name: trunk, release: 'x', pkginfo: { driver: 'local', path: list }, schedule: '1h' }] });
    repos = trunkPaths(stack.config, trunk).repos;
    const packages = createPackageSource(stack.config);
    post = createPostBuildActivities({ pool: stack.pool, config: stack.config, packages, reports: createReportWriter({ pool: stack.pool, config: stack.config, packages }) });
  });
  afterAll(async () => stack?.teardown());

  const built = (pkg: string, commit: string, dtBuild: number): BuildOutcome => {
    const request: BuildRequest = {
      trunk, release: 'x', packageName: pkg, project: pkg, commitHash: sha(commit), distroHash: sha('d'), extendedHash: null,
      dtCommit: 1_700_000_000, dtDistro: 1_700_000_000, commitBranch: 'master', component: null, maintainers: [],
    };
    const repoDir = shardedCommitDir(request);
    const rpm = `${pkg}-${commit}-1.noarch.rpm`;
    fs.mkdirSync(path.join(repos, repoDir), { recursive: true });
    fs.writeFileSync(path.join(repos, repoDir, rpm), 'placeholder');
    const attempt: BuildAttempt = { ok: true, dtBuild, repoDir, rpms: [`repos/${repoDir}/${rpm}`], nvr: null, logPath: `${repoDir}/rpmbuild.log` };
    return { request, buildWorkflowId: `build:${pkg}:${commit}`, status: 'SUCCESS', attempt, retries: 0 };
  };
  const links = (o: BuildOutcome) =>
    fs.readdirSync(path.join(repos, o.attempt!.repoDir)).filter((f) => fs.lstatSync(path.join(repos, o.attempt!.repoDir, f)).isSymbolicLink()).sort();
  const repomd = (o: BuildOutcome) => fs.readFileSync(path.join(repos, o.attempt!.repoDir, 'repodata', 'repomd.xml'), 'utf8');

  it('counts the successes post-built before it, so its post-build finds the dir complete', async () => {
    const a1 = built('python-a', '1', 1000);
    await post.postBuild(a1);
    const b1 = built('python-b', '2', 1001);
    const a2 = built('python-a', '3', 1002);
    // b1 and a2 finish together; a2 waits behind b1 in the post-build line.
    await post.prepareRepoDir(b1, []);
    await post.prepareRepoDir(a2, [b1]);
    expect(links(a2)).toEqual(['python-b-2-1.noarch.rpm']);
    const prepared = repomd(a2);
    await post.postBuild(b1);
    await new Promise((r) => setTimeout(r, 1100)); // a rerun of createrepo_c would write another revision
    await post.postBuild(a2);
    expect(links(a2)).toEqual(['python-b-2-1.noarch.rpm']);
    expect(repomd(a2)).toBe(prepared);
    expect(fs.realpathSync(path.join(repos, 'current'))).toBe(fs.realpathSync(path.join(repos, a2.attempt!.repoDir)));
    const csv = fs.readFileSync(path.join(repos, a2.attempt!.repoDir, 'versions.csv'), 'utf8').split('\n');
    expect(csv.find((l) => l.startsWith('python-b,'))).toContain(`,${sha('2')},https://review.example.org/openstack/b-distgit,${sha('d')},SUCCESS,1001,`);
    expect(csv.find((l) => l.startsWith('python-a,'))).toContain(`,${sha('3')},`);
  });

  it('catches up in the post-build when a package was built since its preparation', async () => {
    const c1 = built('python-c', '4', 1003);
    await post.prepareRepoDir(c1, []);
    expect(links(c1)).toEqual(['python-a-3-1.noarch.rpm', 'python-b-2-1.noarch.rpm']);
    const before = repomd(c1);
    const b2 = built('python-b', '5', 1004);
    await post.postBuild(b2); // not foreseen when c1 was prepared
    await new Promise((r) => setTimeout(r, 1100));
    await post.postBuild(c1);
    expect(links(c1)).toEqual(['python-a-3-1.noarch.rpm', 'python-b-5-1.noarch.rpm']); // the stale link is gone
    expect(repomd(c1)).not.toBe(before); // and the repodata was made again
    const csv = fs.readFileSync(path.join(repos, c1.attempt!.repoDir, 'versions.csv'), 'utf8');
    expect(csv).toContain(`python-b,https://opendev.org/openstack/b,${sha('5')}`);
  });
});
