import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApiServer } from '../../src/api/server';
import { generateDemoTrunk, pushBreakingAndFixingCommits, pushUpstreamCommit, type DemoTrunk } from '../../src/activities/demo';
import { trunkPaths } from '../../src/activities/layout';
import { gerritProject } from '../../src/activities/notify';
import { createPackageSource } from '../../src/activities/pkginfo/source';
import { requestDiscovery, requestRecheck } from '../../src/control/trunk';
import { shardedCommitDir } from '../../src/domain/trunk/hashes';
import { VERSIONS_CSV_HEADER } from '../../src/domain/trunk/repo-files';
import { startWorker, type RunningWorker } from '../../src/worker';
import { startGerritDouble, type GerritDouble } from '../support/gerrit-double';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer';
import { waitFor } from '../support/wait';
import { isolatedStack, uniqueName, type IsolatedStack } from '../support/stack';

jest.setTimeout(300_000);

interface Row {
  id: number;
  project_name: string;
  commit_hash: string;
  distro_hash: string;
  status: string;
  dt_commit: number;
}

describe('trunk builder on the demo trunk (real git, rpmbuild, createrepo_c)', () => {
  let stack: IsolatedStack;
  let worker: RunningWorker;
  let smtp: SmtpPeer;
  let gerrit: GerritDouble;
  let demo: DemoTrunk;
  let trunk: string;
  let repos: string;

  const rows = async (): Promise<Row[]> =>
    (await stack.pool.query<Row>('SELECT id, project_name, commit_hash, distro_hash, status, dt_commit FROM commits WHERE trunk = $1 ORDER BY id', [trunk])).rows;
  const linkTarget = (name: string) => fs.realpathSync(path.join(repos, name));
  const dirOf = (r: Row) => path.join(repos, shardedCommitDir({ commitHash: r.commit_hash, distroHash: r.distro_hash }));

  /** Commits to a demo remote as a developer would: clone, change, push. */
  const pushTo = (url: string, branch: string, change: (dir: string) => void, message: string): string => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-push-'));
    execFileSync('git', ['clone', '-q', '-b', branch, url, work]);
    change(work);
    const git = (...args: string[]) => execFileSync('git', ['-C', work, '-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { encoding: 'utf8' });
    git('add', '-A');
    git('commit', '-qm', message);
    git('push', '-q', 'origin', branch);
    return git('rev-parse', 'HEAD').trim();
  };

  beforeAll(async () => {
    process.env.TRUNKFLOW_WORKFLOWS_FROM_SOURCE = '1';
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-trunk-'));
    trunk = uniqueName('demo').replace('_', '-');
    // The demo's spec and its distgit are known before the stack starts, for the Gerrit double.
    demo = await generateDemoTrunk(path.join(data, 'demo'));
    const specs = Object.fromEntries(demo.packages.map((p) => {
      const spec = execFileSync('git', ['--git-dir', new URL(p.distgit).pathname, 'show', `rpm-master:${p.name}.spec`], { encoding: 'utf8' });
      return [gerritProject(p.distgit), { 'rpm-master': { [`${p.name}.spec`]: spec } }];
    }));
    gerrit = await startGerritDouble({ files: specs });
    smtp = await startSmtpPeer();
    stack = await isolatedStack({
      paths: { data },
      trunks: [{ name: trunk, release: 'demo', demo: true, buildSlots: 2, maxRetries: 1, timeouts: { build: { retryBaseSeconds: 1 } }, schedule: '1h' }],
      mail: { host: smtp.host, port: smtp.port, from: 'trunkflow@example.org' },
      drivers: { review: 'gerrit' },
      gerrit: { url: gerrit.url, user: gerrit.username, password: gerrit.password },
    });
    repos = trunkPaths(stack.config, trunk).repos;
    worker = await startWorker(stack.config);
  });

  afterAll(async () => {
    await worker?.shutdown();
    await smtp?.stop();
    await gerrit?.stop();
    await stack?.teardown();
  });

  it('builds every package once, links the others, and moves current and consistent', async () => {
    // Three triggers at once: the build workflows' IDs and the trunk's queue make them one build each.
    await Promise.all([1, 2, 3].map((n) => requestDiscovery(stack.client, stack.config, trunk, undefined, `test ${n}`)));
    const built = await waitFor('a SUCCESS for every demo package', async () => {
      const r = await rows();
      return r.filter((x) => x.status === 'SUCCESS').length >= demo.packages.length && r;
    });
    expect(built).toHaveLength(demo.packages.length);
    expect(new Set(built.map((r) => r.project_name))).toEqual(new Set(demo.packages.map((p) => p.name)));

    const last = built[built.length - 1];
    const lastDir = dirOf(last);
    // The row lands first; the links move once the post-build has completed the dir.
    await waitFor('current and consistent on the last build', async () =>
      linkTarget('current') === fs.realpathSync(lastDir) && linkTarget('consistent') === fs.realpathSync(lastDir));
    expect(linkTarget('consistent')).toBe(fs.realpathSync(lastDir));
    const votes = await stack.pool.query("SELECT commit_id FROM civotes WHERE ci_name = 'consistent' AND ci_vote");
    expect(votes.rows.map((v) => v.commit_id)).toContain(last.id);

    // The last repo holds its own RPMs and links to every other package's.
    const rpms = fs.readdirSync(lastDir).filter((f) => f.endsWith('.noarch.rpm'));
    expect(rpms).toHaveLength(demo.packages.length);
    expect(rpms.filter((f) => fs.lstatSync(path.join(lastDir, f)).isSymbolicLink())).toHaveLength(demo.packages.length - 1);
    expect(fs.existsSync(path.join(lastDir, 'repodata', 'repomd.xml'))).toBe(true);
    const csv = fs.readFileSync(path.join(lastDir, 'versions.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe(VERSIONS_CSV_HEADER);
    expect(csv).toHaveLength(demo.packages.length + 1);
    const repoFile = fs.readFileSync(path.join(lastDir, 'delorean.repo'), 'utf8');
    expect(repoFile).toContain(`baseurl=${stack.config.http.publicUrl}/repos/${trunk}/${shardedCommitDir({ commitHash: last.commit_hash, distroHash: last.distro_hash })}`);
    // Report pages are written beside the post-builds: they follow within moments.
    await waitFor('report.html listing the last build', async () => fs.readFileSync(path.join(repos, 'report.html'), 'utf8').includes(last.commit_hash));
    const count = await stack.client.workflow.count(`Trunk = '${trunk}' AND WorkflowType = 'buildPackage'`);
    expect(count.count).toBe(demo.packages.length);
  });

  it('builds a pushed commit as soon as the webhook hears of it', async () => {
    const pkg = demo.packages[0];
    const pushed = await pushUpstreamCommit(demo, pkg.name, 'a change');
    const packageSource = createPackageSource(stack.config);
    const app = createApiServer({
      pool: stack.pool,
      config: stack.config,
      trunks: {
        packages: (t) => packageSource.packages(t),
        discover: (t, packages, reason) => requestDiscovery(stack.client, stack.config, t, packages, reason),
      },
    });
    try {
      const res = await app.inject({
        method: 'POST', url: '/api/webhooks/github', headers: { 'x-github-event': 'push' },
        payload: { ref: 'refs/heads/master', after: pushed.sha, repository: { full_name: pkg.project, clone_url: pkg.upstream } },
      });
      expect(res.statusCode).toBe(202);
      expect(res.json().discovery).toEqual([{ trunk, packages: [pkg.name] }]);
      const bad = await app.inject({ method: 'POST', url: '/api/webhooks/github', payload: { ref: 'refs/heads/master' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toContain('repository');
    } finally {
      await app.close();
    }
    const row = await waitFor('the pushed commit built', async () => (await rows()).find((r) => r.commit_hash === pushed.sha && r.status === 'SUCCESS'));
    // The row lands first; current moves once the post-build has completed the dir.
    await waitFor('current on the pushed commit', async () => linkTarget('current') === fs.realpathSync(dirOf(row)));
  });

  it('rebuilds the same source commit after a distgit-only change', async () => {
    const pkg = demo.packages[1];
    const before = (await rows()).filter((r) => r.project_name === pkg.name).pop()!;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-distgit-'));
    const git = (...args: string[]) => execFileSync('git', ['-C', work, '-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args]);
    execFileSync('git', ['clone', '-q', '-b', 'rpm-master', pkg.distgit, work]);
    fs.appendFileSync(path.join(work, `${pkg.name}.spec`), '\n# packaging-only change\n');
    git('commit', '-qam', 'packaging-only change');
    git('push', '-q', 'origin', 'rpm-master');
    await requestDiscovery(stack.client, stack.config, trunk, [pkg.name], 'test');
    const rebuilt = await waitFor('the distgit change built', async () =>
      (await rows()).find((r) => r.project_name === pkg.name && r.id > before.id && r.status === 'SUCCESS'));
    expect(rebuilt.commit_hash).toBe(before.commit_hash);
    expect(rebuilt.distro_hash).not.toBe(before.distro_hash);
  });

  it('records a failed build, mails the maintainers, opens a review, and moves consistent again after the fix', async () => {
    const consistentBefore = linkTarget('consistent');
    const { breaking, fixing } = await pushBreakingAndFixingCommits(demo);
    await requestDiscovery(stack.client, stack.config, trunk, [demo.failingPackage], 'test');
    const failed = await waitFor('the breaking commit FAILED', async () => (await rows()).find((r) => r.commit_hash === breaking.sha && r.status === 'FAILED'));
    const fixed = await waitFor('the fix built', async () => (await rows()).find((r) => r.commit_hash === fixing.sha && r.status === 'SUCCESS'));
    expect(fixed.id).toBeGreaterThan(failed.id);
    expect(fs.existsSync(path.join(dirOf(failed), 'rpmbuild.log'))).toBe(true);
    expect(fs.readFileSync(path.join(dirOf(failed), 'commit.yaml'), 'utf8')).toContain('status: FAILED');

    const mail = await waitFor('the failure mail', async () => smtp.messages.find((m) => m.subject.includes(demo.failingPackage)));
    expect(mail.subject).toBe(`[dlrn] ${demo.failingPackage} master package build failed`);
    const maintainers = (await createPackageSource(stack.config).packages(trunk))
      .find((p) => p.name === demo.failingPackage)!.maintainers;
    expect(mail.envelopeTo.sort()).toEqual([...maintainers].sort());
    expect(mail.text).toContain(`[2] - ${stack.config.http.publicUrl}/repos/${trunk}/${shardedCommitDir({ commitHash: failed.commit_hash, distroHash: failed.distro_hash })}`);
    const lastEmail = await stack.pool.query('SELECT last_email FROM projects WHERE project_name = $1', [demo.failingPackage]);
    expect(lastEmail.rows[0].last_email).toBeGreaterThan(0);

    const change = await waitFor('the FTBFS review', async () => gerrit.changes[0]);
    expect(gerrit.violations).toEqual([]);
    expect(change.topic).toBe('rdo-FTBFS');
    expect(change.reviewers.sort()).toEqual([...maintainers].sort());
    expect(Object.values(change.files).join('\n')).toContain('REMOVEME');

    expect(linkTarget('consistent')).not.toBe(consistentBefore);
    expect(linkTarget('consistent')).toBe(fs.realpathSync(dirOf(fixed)));
  });

  it('keeps consistent while a package is red, and rechecks only a FAILED build', async () => {
    const gamma = demo.packages.find((p) => p.name === demo.failingPackage)!;
    const consistentBefore = linkTarget('consistent');
    const broken = pushTo(gamma.upstream, 'master', (dir) => fs.rmSync(path.join(dir, 'data.txt')), 'break the package');
    await requestDiscovery(stack.client, stack.config, trunk, [gamma.name], 'test');
    const failed = await waitFor('the red build', async () => (await rows()).find((r) => r.commit_hash === broken && r.status === 'FAILED'));

    const alpha = demo.packages[0];
    const pushed = await pushUpstreamCommit(demo, alpha.name, 'green while gamma is red');
    await requestDiscovery(stack.client, stack.config, trunk, [alpha.name], 'test');
    const green = await waitFor('the green build', async () => (await rows()).find((r) => r.commit_hash === pushed.sha && r.status === 'SUCCESS'));
    expect(linkTarget('current')).toBe(fs.realpathSync(dirOf(green)));
    expect(linkTarget('consistent')).toBe(consistentBefore);

    // Recheck: the FAILED row goes and the same commit is built again (still red).
    const answer = await requestRecheck(stack.client, stack.config, trunk, gamma.name);
    expect(answer).toMatchObject({ rechecked: true, deletedRowId: failed.id });
    const again = await waitFor('the rechecked build', async () => (await rows()).find((r) => r.commit_hash === broken && r.id > failed.id));
    expect(again.status).toBe('FAILED');
    expect((await rows()).filter((r) => r.commit_hash === broken)).toHaveLength(1);
    // A green package is not rechecked: its row stays, and the caller hears DLRN's 409.
    const greenRows = (await rows()).filter((r) => r.project_name === alpha.name).length;
    expect(await requestRecheck(stack.client, stack.config, trunk, alpha.name)).toEqual({
      rechecked: false, packageName: alpha.name, httpStatus: 409,
      explanation: `Error while rechecking ${alpha.name}. It's not possible to recheck a successful commit`,
    });
    expect((await rows()).filter((r) => r.project_name === alpha.name)).toHaveLength(greenRows);

    const fixed = pushTo(gamma.upstream, 'master', (dir) => fs.writeFileSync(path.join(dir, 'data.txt'), 'back\n'), 'fix the package');
    await requestDiscovery(stack.client, stack.config, trunk, [gamma.name], 'test');
    const ok = await waitFor('the fix', async () => (await rows()).find((r) => r.commit_hash === fixed && r.status === 'SUCCESS'));
    expect(linkTarget('consistent')).toBe(fs.realpathSync(dirOf(ok)));
  });

  it('turns a known transient error into RETRY rows, retried with backoff, then FAILED', async () => {
    const delta = demo.packages[3];
    const distro = pushTo(delta.distgit, 'rpm-master', (dir) => {
      const spec = path.join(dir, `${delta.name}.spec`);
      const text = fs.readFileSync(spec, 'utf8').replace('# Nothing to compile.', 'echo "curl: (6) Could not resolve host: mirror.example.org"\nexit 1');
      fs.writeFileSync(spec, text);
    }, 'a build that needs the network');
    await requestDiscovery(stack.client, stack.config, trunk, [delta.name], 'test');
    const failed = await waitFor('the final FAILED row', async () => (await rows()).find((r) => r.distro_hash === distro && r.status === 'FAILED'));
    const attempts = (await rows()).filter((r) => r.distro_hash === distro);
    expect(attempts.map((r) => r.status)).toEqual(['RETRY', 'FAILED']); // maxRetries: 1
    expect(attempts[0].commit_hash).toBe(failed.commit_hash);
    const notes = await stack.pool.query('SELECT notes FROM commits WHERE id = $1', [attempts[0].id]);
    expect(notes.rows[0].notes).toContain('Could not resolve host');
  });
});
