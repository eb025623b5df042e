import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { run } from '../../../src/activities/process';
import { createApiServer } from '../../../src/api/server';
import { requestRemoteImport } from '../../../src/control/remote-import';
import { isolatedStack, orchestrationWorker, uniqueName, type IsolatedStack } from '../../support/stack';
import { basic, USER } from './seed';
import { sha512Crypt } from '../../../src/api/dlrn/passwords';

const COMMIT = 'ab'.padEnd(40, '1');
const DISTRO = 'cd'.padEnd(40, '2');
const SHARDED = `ab/11/${COMMIT}_${DISTRO.slice(0, 8)}`;

/** Another instance's repo dir: commit.yaml as DLRN dumps it, a real RPM, a log. */
function remoteBuildYaml(overrides: Record<string, string> = {}): string {
  const fields: Record<string, string> = {
    artifacts: `repos/${SHARDED}/tf-remote-1-1.noarch.rpm`, commit_branch: 'master', commit_hash: COMMIT, component: 'None',
    distgit_dir: '/elsewhere/tf-remote_distro', distro_hash: DISTRO, dt_build: '1700000500', dt_commit: '1700000000.0', dt_distro: '1700000100',
    dt_extended: 'None', extended_hash: 'None', flags: '0', id: '77', notes: 'OK', project_name: 'tf-remote', repo_dir: '/elsewhere/tf-remote',
    status: 'SUCCESS', type: 'rpm', versions_csv: 'None', ...overrides,
  };
  return `commits:\n- ${Object.entries(fields).sort().map(([k, v]) => `${k}: '${v}'`).join('\n  ')}\n`;
}

describe('remote/import through the trunk post-build', () => {
  // The trunk workflow's id names the trunk: a name of its own keeps reruns on one Temporal server apart.
  const trunk = uniqueName('remote').toLowerCase();
  let stack: IsolatedStack;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let app: FastifyInstance;
  let remote: http.Server;
  let remoteUrl: string;
  const served = new Map<string, Buffer>();

  beforeAll(async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-remote-'));
    fs.writeFileSync(path.join(tmp, 'packages.yml'), 'packages:\n  - name: tf-remote\n    upstream: https://example.org/tf-remote\n    master-distgit: https://example.org/tf-remote-distgit\n');
    const spec = path.join(tmp, 'tiny.spec');
    fs.writeFileSync(spec, 'Name: tf-remote\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\nBuildArch: noarch\n%description\nd\n%install\nmkdir -p %{buildroot}/usr/share/tf-remote\n%files\n/usr/share/tf-remote\n');
    await run('rpmbuild', ['-bb', '--define', `_topdir ${tmp}/top`, '--define', `_rpmdir ${tmp}/built`, '--define', '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm', spec]);
    served.set(`/${SHARDED}/tf-remote-1-1.noarch.rpm`, fs.readFileSync(path.join(tmp, 'built', 'tf-remote-1-1.noarch.rpm')));
    served.set(`/${SHARDED}/commit.yaml`, Buffer.from(remoteBuildYaml()));
    served.set(`/${SHARDED}/rpmbuild.log`, Buffer.from('built remotely\n'));
    served.set('/evil/commit.yaml', Buffer.from(remoteBuildYaml({ artifacts: '../../../../etc/x.rpm/../passwd' })));
    remote = http.createServer((req, res) => {
      const body = served.get(req.url ?? '');
      res.writeHead(body ? 200 : 404);
      res.end(body ?? 'not here');
    });
    await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
    remoteUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;

    stack = await isolatedStack({
      paths: { data: tmp },
      trunks: [{ name: trunk, release: 'r', pkginfo: { driver: 'local', path: path.join(tmp, 'packages.yml') }, reviews: false, schedule: '1h' }],
    });
    await stack.pool.query('INSERT INTO users VALUES ($1, $2)', [USER.name, sha512Crypt(USER.password, 'salt', 1000)]);
    connection = await NativeConnection.connect({ address: stack.config.temporal.address });
    worker = await orchestrationWorker(stack, connection);
    running = worker.run();
    app = createApiServer({
      pool: stack.pool, config: stack.config,
      dlrn: {
        promote: async () => { throw new Error('not used'); },
        recheck: async () => { throw new Error('not used'); },
        voteRecorded: async () => undefined,
        remoteImport: (trunk, url) => requestRemoteImport(stack.client, stack.config, trunk, url),
      },
    });
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    worker?.shutdown();
    await running;
    await connection?.close();
    await stack?.teardown();
    remote?.close();
  });

  const post = (payload: unknown) =>
    app.inject({ method: 'POST', url: '/api/remote/import', payload: JSON.stringify(payload), headers: { authorization: basic(), 'content-type': 'application/json' } });

  it("imports another instance's build: its RPMs and log, a SUCCESS row, repodata, commit.yaml and current", async () => {
    const res = await post({ repo_url: `${remoteUrl}/${SHARDED}` });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ repo_url: `${remoteUrl}/${SHARDED}` });
    const { rows } = await stack.pool.query('SELECT project_name, commit_hash, distro_hash, status, dt_build, dt_commit, artifacts FROM commits');
    expect(rows).toEqual([{
      project_name: 'tf-remote', commit_hash: COMMIT, distro_hash: DISTRO, status: 'SUCCESS', dt_build: 1700000500, dt_commit: 1700000000,
      artifacts: `repos/${SHARDED}/tf-remote-1-1.noarch.rpm`,
    }]);
    const dir = path.join(stack.config.paths.repos, trunk, SHARDED);
    expect(fs.readFileSync(path.join(dir, 'tf-remote-1-1.noarch.rpm'))).toEqual(served.get(`/${SHARDED}/tf-remote-1-1.noarch.rpm`));
    expect(fs.readFileSync(path.join(dir, 'rpmbuild.log'), 'utf8')).toBe('built remotely\n');
    expect(fs.existsSync(path.join(dir, 'repodata', 'repomd.xml'))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'commit.yaml'), 'utf8')).toContain(`\n  commit_hash: ${COMMIT}\n`);
    expect(fs.readlinkSync(path.join(stack.config.paths.repos, trunk, 'current'))).toBe(SHARDED);
  }, 120_000);

  it('skips a build no newer than the one recorded, as DLRN does, and refuses what it cannot fetch or trust', async () => {
    expect((await post({ repo_url: `${remoteUrl}/${SHARDED}/` })).statusCode).toBe(201);
    expect((await stack.pool.query('SELECT count(*)::int AS n FROM commits')).rows[0].n).toBe(1);
    const missing = await post({ repo_url: `${remoteUrl}/nothing` });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toBe(`Remote import failed with error: 404 answer for ${remoteUrl}/nothing/commit.yaml`);
    const evil = await post({ repo_url: `${remoteUrl}/evil` });
    expect(evil.statusCode).toBe(400);
    expect(evil.json().message).toMatch(/^Remote import failed with error: commit.yaml lists an artifact that is not an RPM file name/);
    expect((await post({ repo_url: 'ftp://x/y' })).json()).toEqual({ message: "Errors detected: 1 {'repo_url': 'URL scheme not permitted'}" });
    expect((await stack.pool.query('SELECT count(*)::int AS n FROM commits')).rows[0].n).toBe(1);
  }, 120_000);
});
