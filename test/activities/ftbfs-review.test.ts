/**
 * FTBFS reviews of a real package (python-oslo-config from the fixtures of
 * test/fixtures/real-packages) as DLRN's submit_review opens them: on
 * rdoinfo's review-origin project (Gerrit REST double), on the distgit branch
 * the build used, editing the distgit's real spec, with DLRN's message.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDiscoveryActivities } from '../../src/activities/discovery';
import { createNotifyActivities } from '../../src/activities/notify';
import { createPackageSource } from '../../src/activities/pkginfo/source';
import { run } from '../../src/activities/process';
import { PROJECT_ROOT, type Config } from '../../src/config';
import type { BuildOutcome } from '../../src/domain/trunk-build';
import { startGerritDouble, type GerritDouble } from '../support/gerrit-double';
import { isolatedStack, type IsolatedStack } from '../support/stack';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'real-packages');
const OSLO_CONFIG = 'cac8283414be20b94442690b83723d10e02a896c';
const RPM_MASTER = '9dce7f816d8f1aa7c194dc81d193cee162c2743c';
const REVIEW_ORIGIN = 'ssh://review.example.org:29418/openstack/oslo-config-distgit.git';

let tmp: string;
let stack: IsolatedStack;
let gerrit: GerritDouble;
let spec: string;
const remote = (name: string) => `file://${join(tmp, 'remotes', `${name}.git`)}`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tf-ftbfs-'));
  for (const name of ['oslo.config', 'oslo-config-distgit']) {
    await run('git', ['clone', '--quiet', '--bare', join(FIXTURES, `${name}.bundle`), join(tmp, 'remotes', `${name}.git`)]);
  }
  spec = (await run('git', ['-C', join(tmp, 'remotes', 'oslo-config-distgit.git'), 'show', `${RPM_MASTER}:python-oslo-config.spec`])).stdout;
  const list = join(tmp, 'packages.yml');
  await writeFile(list, `packages:\n  - { name: python-oslo-config, upstream: "${remote('oslo.config')}", master-distgit: "${remote('oslo-config-distgit')}", review-origin: "${REVIEW_ORIGIN}", maintainers: [apevec@example.org, jcapitao@example.org] }\n` +
    // A package whose name is not its spec's: the review edits the spec the distgit has.
    `  - { name: oslo-config-renamed, upstream: "${remote('oslo.config')}", master-distgit: "${remote('oslo-config-distgit')}" }\n`);
  stack = await isolatedStack({
    paths: { data: join(tmp, 'data') },
    // flamingo-rdo does not exist in the distgit: DLRN's checkout, and so its review, is on rpm-master.
    trunks: [{ name: 'flamingo', release: 'flamingo', pkginfo: { driver: 'local', path: list }, distroBranch: 'flamingo-rdo', baseurl: 'https://trunk.example.org/flamingo' }],
  });
  gerrit = await startGerritDouble({ files: { 'openstack/oslo-config-distgit': { 'rpm-master': { 'python-oslo-config.spec': spec } } } });
}, 120_000);
afterAll(async () => {
  await gerrit?.stop();
  await stack?.teardown();
  await rm(tmp, { recursive: true, force: true });
});

/** A FAILED build of the package's HEAD, as discovery found it. */
async function failedBuild(config: Config, name = 'python-oslo-config'): Promise<BuildOutcome> {
  const packages = createPackageSource(config);
  const discovery = createDiscoveryActivities({ pool: stack.pool, config, packages });
  const [request] = await discovery.discoverPackageCommits('flamingo', await packages.find('flamingo', name));
  expect(request).toMatchObject({ commitHash: OSLO_CONFIG, distroHash: RPM_MASTER });
  const repoDir = `ca/c8/${OSLO_CONFIG}_9dce7f81`;
  return {
    request, buildWorkflowId: 'w', status: 'FAILED', retries: 0,
    attempt: { ok: false, dtBuild: 1, repoDir, rpms: [], nvr: null, logPath: `${repoDir}/rpmbuild.log`, failure: { status: 'FAILED', reason: 'x' } },
  };
}

const MESSAGE = [
  'python-oslo-config: failed to build cac8283',
  '',
  `Need to fix build error caused by file://TMP/remotes/oslo.config.git${OSLO_CONFIG}`,
  `See log at https://trunk.example.org/flamingo/ca/c8/${OSLO_CONFIG}_9dce7f81`,
];

test('Gerrit: a change on the review-origin project and the branch built from, with the REMOVEME line in the real spec', async () => {
  const config: Config = {
    ...stack.config,
    drivers: { ...stack.config.drivers, review: 'gerrit' },
    gerrit: { url: gerrit.url, user: gerrit.username, password: gerrit.password },
  };
  const notify = createNotifyActivities({ pool: stack.pool, config, packages: createPackageSource(config) });
  const url = await notify.openFtbfsReview(await failedBuild(config));
  expect(gerrit.violations).toEqual([]);
  const [change] = gerrit.changes;
  expect(url).toBe(`${gerrit.url}/c/openstack/oslo-config-distgit/+/${change.number}`);
  expect(change).toMatchObject({ project: 'openstack/oslo-config-distgit', branch: 'rpm-master', topic: 'rdo-FTBFS', reviewers: ['apevec@example.org', 'jcapitao@example.org'] });
  expect(change.message.trimEnd().split('\n')).toEqual(MESSAGE.map((l) => l.replace('TMP', tmp)));
  expect(change.files['python-oslo-config.spec']).toBe(`${spec}# REMOVEME: error caused by commit ${remote('oslo.config')}${OSLO_CONFIG}\n`);
});

test('localgit: the review branch is pushed to the distgit, from the branch built from', async () => {
  const notify = createNotifyActivities({ pool: stack.pool, config: stack.config, packages: createPackageSource(stack.config) });
  const url = await notify.openFtbfsReview(await failedBuild(stack.config));
  const bare = join(tmp, 'remotes', 'oslo-config-distgit.git');
  const branch = url.split('#')[1];
  expect((await run('git', ['-C', bare, 'rev-parse', `${branch}^`])).stdout.trim()).toBe(RPM_MASTER);
  expect((await run('git', ['-C', bare, 'diff', '--name-only', RPM_MASTER, branch])).stdout.trim()).toBe('python-oslo-config.spec');
  const message = (await run('git', ['-C', bare, 'log', '-1', '--format=%B', branch])).stdout;
  expect(message.split('\n').slice(0, 4)).toEqual(MESSAGE.map((l) => l.replace('TMP', tmp)));
});

test('the spec edited is the one in the distgit, whatever the package is called', async () => {
  const notify = createNotifyActivities({ pool: stack.pool, config: stack.config, packages: createPackageSource(stack.config) });
  const url = await notify.openFtbfsReview(await failedBuild(stack.config, 'oslo-config-renamed'));
  const bare = join(tmp, 'remotes', 'oslo-config-distgit.git');
  const branch = url.split('#')[1];
  expect((await run('git', ['-C', bare, 'diff', '--name-only', RPM_MASTER, branch])).stdout.trim()).toBe('python-oslo-config.spec');
  expect((await run('git', ['-C', bare, 'log', '-1', '--format=%s', branch])).stdout.trim()).toBe('oslo-config-renamed: failed to build cac8283');
});
