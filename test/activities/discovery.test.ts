/**
 * DLRN's new-commit rules in production (the discovery activity on real git:
 * the oslo.config and puppet-oslo histories of test/fixtures/real-packages,
 * real PostgreSQL rows): distgit branch fallback, the branch-change rule,
 * dedupe across packages, the global commit order, build-tags-only and a SHA
 * as source-branch.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDiscoveryActivities } from '../../src/activities/discovery';
import { createPackageSource } from '../../src/activities/pkginfo/source';
import { run } from '../../src/activities/process';
import { PROJECT_ROOT } from '../../src/config';
import { insertCommit } from '../../src/db/commits';
import type { BuildRequest, TrunkPackage } from '../../src/domain/trunk-build';
import { emptyBuildQueue, enqueueBuilds } from '../../src/domain/trunk/queue';
import { isolatedStack, type IsolatedStack } from '../support/stack';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'real-packages');
// First-parent history of oslo.config master in the fixture, newest first, and its commit times.
const OC = {
  cac8283: ['cac8283414be20b94442690b83723d10e02a896c', 1710253445],
  '46cc22b': ['46cc22b32777de54399d9d09a32f46c60e906e23', 1710252888],
  c2e728e: ['c2e728e756d4ca1f2a789bf98a605e5fd8b8a7ed', 1710248914],
  '4c767ed': ['4c767edd290c2c42143d5e85a29cd6341bbfc3e4', 1709907724],
  '882adf8': ['882adf8e4d0685ea3404067fa38066abec9bd5f6', 1707229647], // tag 9.4.0
} as const;
const PO = {
  a1a9f33: 'a1a9f3348cb004ac3ec1b1307e4f987b5047423d',
  e21a6c6: 'e21a6c603c6c2525cc0bfc386b2fd6cdc4011016',
  dfbc0c1: 'dfbc0c1283423608e850e234eb0bc0a5da0b0144',
  ca8fc7f: ['ca8fc7f52b64ba64581e69432b3194c481d39d6b', 1708913409],
} as const;
const RPM_MASTER = '9dce7f816d8f1aa7c194dc81d193cee162c2743c';
const CARACAL_RDO = '11d4e133dae88262471e8fbaa422499524e81dff';
const PUPPET_RPM_MASTER = '07da3e392ae1f8de7fa094f43ef0420d29c4272b';

let tmp: string;
let stack: IsolatedStack;
let discovery: ReturnType<typeof createDiscoveryActivities>;
const remote = (name: string) => `file://${join(tmp, 'remotes', `${name}.git`)}`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tf-discovery-'));
  for (const name of ['oslo.config', 'oslo-config-distgit', 'puppet-oslo', 'puppet-oslo-distgit']) {
    await run('git', ['clone', '--quiet', '--bare', join(FIXTURES, `${name}.bundle`), join(tmp, 'remotes', `${name}.git`)]);
  }
  const oslo = `upstream: "${remote('oslo.config')}", master-distgit: "${remote('oslo-config-distgit')}"`;
  const list = join(tmp, 'packages.yml');
  await writeFile(list, [
    'packages:',
    `  - { name: python-oslo-config, ${oslo} }`,
    `  - { name: python-oslo-config-twin, ${oslo} }`,
    `  - { name: oslo-config-tags, build-tags-only: true, ${oslo} }`,
    `  - { name: oslo-config-pinned, source-branch: ${OC.c2e728e[0]}, ${oslo} }`,
    `  - { name: puppet-oslo, upstream: "${remote('puppet-oslo')}", master-distgit: "${remote('puppet-oslo-distgit')}" }`,
    '',
  ].join('\n'));
  const trunk = (name: string, over: Record<string, unknown> = {}) => ({ name, release: 'caracal', pkginfo: { driver: 'local', path: list }, ...over });
  stack = await isolatedStack({
    paths: { data: join(tmp, 'data') },
    trunks: [
      trunk('stable', { sourceBranch: 'stable/2024.1', distroBranch: 'flamingo-rdo' }),
      trunk('caracal', { distroBranch: 'caracal-rdo' }),
      trunk('fallback-off', { sourceBranch: 'stable/2024.1', distroBranch: 'flamingo-rdo', fallbackToMaster: false }),
      trunk('dedupe'),
      trunk('order'),
      trunk('tags'),
      trunk('pinned'),
    ],
  });
  discovery = createDiscoveryActivities({ pool: stack.pool, config: stack.config, packages: createPackageSource(stack.config) });
}, 120_000);
afterAll(async () => {
  await stack?.teardown();
  await rm(tmp, { recursive: true, force: true });
});

const pkgOf = async (trunk: string, name: string): Promise<TrunkPackage> => createPackageSource(stack.config).find(trunk, name);
const discover = async (trunk: string, name: string): Promise<BuildRequest[]> => discovery.discoverPackageCommits(trunk, await pkgOf(trunk, name));
/** A processed build row, as post-build records it. */
const built = (trunk: string, projectName: string, commitHash: string, dtCommit: number, distroHash: string, commitBranch: string) =>
  insertCommit(stack.pool, {
    trunk, projectName, commitHash, distroHash, extendedHash: null, dtCommit, dtDistro: 0, dtExtended: 0, dtBuild: dtCommit + 60, repoDir: '/r', distgitDir: '/d',
    commitBranch, status: 'SUCCESS', component: null, artifacts: null, notes: 'OK', versionsCsv: null,
  });

describe('branches', () => {
  test('a missing <release>-rdo distgit branch falls back to rpm-master; a missing stable/ source branch to master', async () => {
    const [req] = await discover('stable', 'python-oslo-config');
    expect(req).toMatchObject({ commitHash: OC.cac8283[0], distroHash: RPM_MASTER, commitBranch: 'master' });
  });

  test('an existing <release>-rdo branch is used as it is', async () => {
    expect(await discover('caracal', 'python-oslo-config')).toEqual([expect.objectContaining({ distroHash: CARACAL_RDO, commitBranch: 'master' })]);
  });

  test('without fallback_to_master the missing branch is an error naming what was tried', async () => {
    await expect(discover('fallback-off', 'python-oslo-config')).rejects.toThrow(/none of the branches or tags 'stable\/2024\.1', 'unmaintained\/2024\.1', '2024\.1-eol' exists/);
  });

  test('the branch-change rule compares with the configured branch: a package on a fallback branch builds HEAD only', async () => {
    // A build on master (the fallback) three commits ago. Against the resolved branch, DLRN's
    // rule would list every commit since it; against stable/2024.1, only HEAD.
    await built('stable', 'python-oslo-config', OC['4c767ed'][0], OC['4c767ed'][1], RPM_MASTER, 'master');
    expect((await discover('stable', 'python-oslo-config')).map((r) => r.commitHash)).toEqual([OC.cac8283[0]]);
  });
});

describe('dedupe and order', () => {
  test('dedupe is across packages: a build of the same commit and distgit by another package counts', async () => {
    expect((await discover('dedupe', 'python-oslo-config-twin')).map((r) => r.commitHash)).toEqual([OC.cac8283[0]]);
    await built('dedupe', 'python-oslo-config', OC.cac8283[0], OC.cac8283[1], RPM_MASTER, 'master');
    expect(await discover('dedupe', 'python-oslo-config-twin')).toEqual([]);
  });

  test('new commits of every package are queued in one order, by commit date', async () => {
    await built('order', 'python-oslo-config', OC['882adf8'][0], OC['882adf8'][1], RPM_MASTER, 'master');
    await built('order', 'puppet-oslo', PO.ca8fc7f[0], PO.ca8fc7f[1], PUPPET_RPM_MASTER, 'master');
    const oslo = await discover('order', 'python-oslo-config');
    const puppet = await discover('order', 'puppet-oslo');
    expect(oslo.map((r) => r.commitHash)).toEqual([OC['4c767ed'][0], OC.c2e728e[0], OC['46cc22b'][0], OC.cac8283[0]]);
    const queue = emptyBuildQueue();
    enqueueBuilds(queue, [...oslo, ...puppet], { commitOrder: true });
    expect(queue.queue.map((r) => r.commitHash)).toEqual([
      PO.dfbc0c1, PO.e21a6c6, PO.a1a9f33, OC['4c767ed'][0], OC.c2e728e[0], OC['46cc22b'][0], OC.cac8283[0],
    ]);
  });
});

describe('package options', () => {
  test('build-tags-only lists only tagged commits: the 9.4.0 tag, not the seven commits after it', async () => {
    const [req, ...more] = await discover('tags', 'oslo-config-tags');
    expect(more).toEqual([]);
    expect(req.commitHash).toBe(OC['882adf8'][0]);
    await built('tags', 'oslo-config-tags', req.commitHash, req.dtCommit, req.distroHash, req.commitBranch);
    expect(await discover('tags', 'oslo-config-tags')).toEqual([]);
  });

  test('a SHA as source-branch builds that commit, recorded with the SHA as its branch', async () => {
    const [req] = await discover('pinned', 'oslo-config-pinned');
    expect(req).toMatchObject({ commitHash: OC.c2e728e[0], commitBranch: OC.c2e728e[0], distroHash: RPM_MASTER });
    await built('pinned', 'oslo-config-pinned', req.commitHash, req.dtCommit, req.distroHash, req.commitBranch);
    expect(await discover('pinned', 'oslo-config-pinned')).toEqual([]);
  });
});
