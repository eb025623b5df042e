import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createApiServer } from '../../../src/api/server';
import { requestPromotion, signalVoteRecorded } from '../../../src/control/promote';
import { voteWaitWorkflowId } from '../../../src/workflows/messages';
import { isolatedStack, orchestrationWorker, uniqueName, type IsolatedStack } from '../../support/stack';
import { basic, C, seed, trunkOverrides } from './seed';

const dirOf = (h: { commit: string; distro: string; extended?: string }, component?: string) =>
  `${component ? `component/${component}/` : ''}${h.commit.slice(0, 2)}/${h.commit.slice(2, 4)}/${h.commit}_${h.distro.slice(0, 8)}${h.extended ? `_${h.extended.slice(0, 8)}` : ''}`;

describe('promote and promote-batch as workflows', () => {
  // Workflow ids name the trunk: a name of its own keeps reruns on one Temporal server apart.
  const main = uniqueName('main').toLowerCase();
  let stack: IsolatedStack;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let app: FastifyInstance;
  let repos: string;
  beforeAll(async () => {
    stack = await isolatedStack(trunkOverrides(main));
    await seed(stack.pool, main);
    repos = path.join(stack.config.paths.repos, main);
    for (const d of [dirOf(C.foo), dirOf(C.bar, 'tripleo')]) fs.mkdirSync(path.join(repos, d), { recursive: true });
    connection = await NativeConnection.connect({ address: stack.config.temporal.address });
    worker = await orchestrationWorker(stack, connection);
    running = worker.run();
    app = createApiServer({
      pool: stack.pool, config: stack.config,
      dlrn: {
        promote: (req) => requestPromotion(stack.client, stack.config, req),
        recheck: async () => { throw new Error('not used'); },
        voteRecorded: (vote) => signalVoteRecorded(stack.client, vote),
      },
    });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    worker?.shutdown();
    await running;
    await connection?.close();
    await stack?.teardown();
  });

  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, payload: JSON.stringify(payload), headers: { authorization: basic(), 'content-type': 'application/json' } });
  const promotionRows = async (name: string) =>
    (await stack.pool.query('SELECT commit_id, "user", component, aggregate_hash FROM promotions WHERE promotion_name = $1 ORDER BY id', [name])).rows;

  it('moves the label link, keeps previous-<label>, writes the row and answers DLRN\'s 201 body', async () => {
    const first = await post('/api/promote', { commit_hash: C.foo.commit, distro_hash: C.foo.distro, promote_name: 'tripleo-ci-staging' });
    expect(first.statusCode).toBe(201);
    expect(first.body).toMatch(/"timestamp":\d+\.0,/);
    expect(first.json()).toMatchObject({
      commit_hash: C.foo.commit, distro_hash: C.foo.distro, extended_hash: null, repo_hash: `${C.foo.commit}_${C.foo.distro.slice(0, 8)}`,
      repo_url: `http://trunk.example.test/${main}/${dirOf(C.foo)}`, promote_name: 'tripleo-ci-staging', component: null, user: 'foo', aggregate_hash: null,
    });
    expect(fs.readlinkSync(path.join(repos, 'tripleo-ci-staging'))).toBe(dirOf(C.foo));
    const second = await post('/api/promote', { commit_hash: C.bar.commit, distro_hash: C.bar.distro, extended_hash: C.bar.extended, promote_name: 'tripleo-ci-staging' });
    expect(second.statusCode).toBe(201);
    expect(fs.readlinkSync(path.join(repos, 'tripleo-ci-staging'))).toBe(dirOf(C.bar, 'tripleo'));
    expect(fs.readlinkSync(path.join(repos, 'previous-tripleo-ci-staging'))).toBe(dirOf(C.foo));
    expect(await promotionRows('tripleo-ci-staging')).toEqual([
      { commit_id: 1, user: 'foo', component: null, aggregate_hash: null },
      { commit_id: 2, user: 'foo', component: 'tripleo', aggregate_hash: null },
    ]);
    const listed = await app.inject({ method: 'GET', url: '/api/promotions?promote_name=tripleo-ci-staging&limit=1' });
    expect(listed.json()).toEqual([expect.objectContaining({ commit_hash: C.bar.commit, promote_name: 'tripleo-ci-staging' })]);
  }, 60_000);

  it('refuses builder-owned, escaping and occupied names with a 403, unknown builds with a 400, purged ones with a 410', async () => {
    const foo = { commit_hash: C.foo.commit, distro_hash: C.foo.distro };
    const cases: Array<[unknown, number, string]> = [
      [{ ...foo, promote_name: 'consistent' }, 403, 'Invalid promote_name consistent'],
      [{ ...foo, promote_name: 'current' }, 403, 'Invalid promote_name current'],
      [{ ...foo, promote_name: '../escape' }, 403, 'Invalid promote_name ../escape'],
      [{ ...foo, promote_name: 'current/../x' }, 403, 'Invalid promote_name current/../x'],
      [{ ...foo, promote_name: '..' }, 403, 'Invalid promote_name ..'],
      [{ ...foo, promote_name: 'c1' }, 403, 'Invalid promote_name c1'],
      [{ ...foo, promote_name: 'x'.repeat(256) }, 400, "Errors detected: 1 {'promote_name': 'ensure this value has at most 255 characters'}"],
      [{ commit_hash: C.foo.commit, promote_name: 'x' }, 400, 'Both commit_hash and distro_hash must be specified.'],
      [{ commit_hash: C.failed.commit, distro_hash: C.failed.distro, promote_name: 'x' }, 400, 'commit_hash+distro_hash+extended_hash combination not found'],
      [{ commit_hash: C.purged.commit, distro_hash: C.purged.distro, promote_name: 'x' }, 410, 'commit_hash+distro_hash+extended_hash has been purged, cannot promote it'],
      [{ ...foo }, 400, "Errors detected: 1 {'promote_name': 'field required'}"],
    ];
    for (const [body, status, message] of cases) {
      const res = await post('/api/promote', body);
      expect({ body, status: res.statusCode, json: res.json() }).toEqual({ body, status, json: { message } });
    }
    expect(fs.existsSync(path.join(repos, '..', 'escape'))).toBe(false);
    expect(fs.lstatSync(path.join(repos, 'c1')).isDirectory()).toBe(true);
    expect((await stack.pool.query("SELECT count(*)::int AS n FROM promotions WHERE promotion_name IN ('x', 'c1', '..')")).rows[0].n).toBe(0);
  }, 60_000);

  it('applies a batch whole or not at all: links are put back when one fails', async () => {
    const foo = { commit_hash: C.foo.commit, distro_hash: C.foo.distro };
    const bar = { commit_hash: C.bar.commit, distro_hash: C.bar.distro };
    expect((await post('/api/promote-batch', [{ ...foo, promote_name: 'batch-a' }, { ...foo, promote_name: 'batch-b' }])).statusCode).toBe(201);
    // previous-batch-b cannot be replaced by a link: the second move fails after the first one happened.
    fs.mkdirSync(path.join(repos, 'previous-batch-b', 'keep'), { recursive: true });
    const failed = await post('/api/promote-batch', [{ ...bar, promote_name: 'batch-a' }, { ...bar, promote_name: 'batch-b' }]);
    expect(failed.statusCode).toBe(500);
    expect(failed.json().message).toMatch(/^Symlink creation failed with error: \w+\. All previously created symlinks have been rolled back\.$/);
    expect(failed.json().message).not.toContain(repos);
    expect(fs.readlinkSync(path.join(repos, 'batch-a'))).toBe(dirOf(C.foo));
    expect(fs.readlinkSync(path.join(repos, 'batch-b'))).toBe(dirOf(C.foo));
    expect(fs.existsSync(path.join(repos, 'previous-batch-a'))).toBe(false);
    expect(await promotionRows('batch-a')).toHaveLength(1);
    fs.rmSync(path.join(repos, 'previous-batch-b'), { recursive: true });
    const ok = await post('/api/promote-batch', [{ ...bar, promote_name: 'batch-a' }, { ...bar, promote_name: 'batch-b' }]);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ promote_name: 'batch-b', commit_hash: C.bar.commit });
    expect(fs.readlinkSync(path.join(repos, 'batch-a'))).toBe(dirOf(C.bar, 'tripleo'));
    expect(await promotionRows('batch-b')).toHaveLength(2);
  }, 60_000);

  it("answers bad batches with DLRN's messages and writes nothing", async () => {
    const foo = { commit_hash: C.foo.commit, distro_hash: C.foo.distro };
    const cases: Array<[unknown, number, string]> = [
      [[], 400, 'At least one promotion must be given'],
      [{ ...foo, promote_name: 'x' }, 400, '1 validation error for ParsingModel[List[dlrn.api.inputs.promotions.PromoteInput]]\n__root__\n  value is not a valid list (type=type_error.list)'],
      [[{ ...foo }, 7], 400, '2 validation errors for ParsingModel[List[dlrn.api.inputs.promotions.PromoteInput]]\n__root__ -> 0 -> promote_name\n  field required (type=value_error.missing)\n__root__ -> 1\n  value is not a valid dict (type=type_error.dict)'],
      [[{ ...foo, promote_name: 'ok' }, { ...foo, promote_name: 'current' }], 403, 'Invalid promote_name current'],
      [[{ ...foo, promote_name: 'ok' }, { commit_hash: 'nope', distro_hash: 'nada', promote_name: 'ok2' }], 400, 'commit_hash+distro_hash+extended_hash combination not found for nope_nada_None'],
      [[{ commit_hash: C.purged.commit, distro_hash: C.purged.distro, promote_name: 'ok' }], 410, `commit_hash+distro_hash+extended_hash ${C.purged.commit}_${C.purged.distro}_None has been purged, cannot promote it`],
      [[{ ...foo, promote_name: 'ok' }, { ...foo, promote_name: '../up' }], 403, 'Invalid promote_name ../up'],
    ];
    for (const [body, status, message] of cases) {
      const res = await post('/api/promote-batch', body);
      expect({ body, status: res.statusCode, json: res.json() }).toEqual({ body, status, json: { message } });
    }
    expect(fs.existsSync(path.join(repos, 'ok'))).toBe(false);
  }, 60_000);

  it('serialises concurrent promotions of one label: every one lands, the link stays valid', async () => {
    const targets = [C.foo, C.bar, C.foo, C.bar, C.foo];
    const answers = await Promise.all(targets.map((h) => post('/api/promote', { commit_hash: h.commit, distro_hash: h.distro, promote_name: 'busy' })));
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(await promotionRows('busy')).toHaveLength(5);
    expect([dirOf(C.foo), dirOf(C.bar, 'tripleo')]).toContain(fs.readlinkSync(path.join(repos, 'busy')));
    expect(fs.readdirSync(repos).filter((n) => /_([0-9a-f]{8})?$/.test(n))).toEqual([]);
  }, 60_000);

  it('tells the workflow waiting on a hash about a report_result vote at once, and nothing when none waits', async () => {
    expect(await signalVoteRecorded(stack.client, { trunk: main, hash: 'none-waits', jobId: 'j', success: true, timestamp: 1, url: '' })).toBe(false);
    const hash = `${C.foo.commit}_${C.foo.distro.slice(0, 8)}`;
    const waiterQueue = `${stack.taskQueue}-waiter`;
    const waiterWorker = await Worker.create({ connection, taskQueue: waiterQueue, workflowsPath: require.resolve('../../support/workflows/vote-waiter') });
    const vote = await waiterWorker.runUntil(async () => {
      const handle = await stack.client.workflow.start('voteWaiter', { workflowId: voteWaitWorkflowId(main, hash), taskQueue: waiterQueue });
      const res = await post('/api/report_result', { ...{ commit_hash: C.foo.commit, distro_hash: C.foo.distro }, job_id: 'ci-x', url: 'http://ci/x', timestamp: 1700009999, success: true });
      expect(res.statusCode).toBe(201);
      return handle.result();
    });
    expect(vote).toEqual({ trunk: main, hash, jobId: 'ci-x', success: true, timestamp: 1700009999, url: 'http://ci/x' });
  }, 60_000);
});

describe('promote on a trunk with components', () => {
  const main = uniqueName('comp').toLowerCase();
  let stack: IsolatedStack;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let app: FastifyInstance;
  let repos: string;
  const repoFile = '[delorean-component-tripleo]\nname=delorean-tripleo\nbaseurl=http://trunk.example.test/component/tripleo/x\n';
  beforeAll(async () => {
    const list = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tf-comp-')), 'packages.yml');
    fs.writeFileSync(list, 'packages:\n  - name: python-bar\n    upstream: https://example.org/bar\n    master-distgit: https://example.org/bar-distgit\n    component: tripleo\n');
    stack = await isolatedStack(trunkOverrides(main, { useComponents: true, pkginfo: { driver: 'local', path: list } }));
    await seed(stack.pool, main);
    repos = path.join(stack.config.paths.repos, main);
    fs.mkdirSync(path.join(repos, dirOf(C.bar, 'tripleo')), { recursive: true });
    fs.writeFileSync(path.join(repos, dirOf(C.bar, 'tripleo'), 'delorean.repo'), repoFile);
    connection = await NativeConnection.connect({ address: stack.config.temporal.address });
    worker = await orchestrationWorker(stack, connection);
    running = worker.run();
    app = createApiServer({
      pool: stack.pool, config: stack.config,
      dlrn: { promote: (req) => requestPromotion(stack.client, stack.config, req), recheck: async () => { throw new Error('not used'); }, voteRecorded: async () => false },
    });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    worker?.shutdown();
    await running;
    await connection?.close();
    await stack?.teardown();
  });

  it("links the label inside the component dir and writes DLRN's aggregate repo files, named by their md5", async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/promote', headers: { authorization: basic(), 'content-type': 'application/json' },
      payload: JSON.stringify({ commit_hash: C.bar.commit, distro_hash: C.bar.distro, promote_name: 'tripleo-ci-testing' }),
    });
    expect(res.statusCode).toBe(201);
    const md5 = createHash('md5').update(`${repoFile}\n`).digest('hex');
    expect(res.json()).toMatchObject({ component: 'tripleo', aggregate_hash: md5, repo_url: `http://trunk.example.test/${main}/${dirOf(C.bar, 'tripleo')}` });
    expect(fs.readlinkSync(path.join(repos, 'component', 'tripleo', 'tripleo-ci-testing'))).toBe(dirOf(C.bar));
    const hashed = `${md5.slice(0, 2)}/${md5.slice(2, 4)}/${md5}`;
    expect(fs.readlinkSync(path.join(repos, 'tripleo-ci-testing', 'delorean.repo'))).toBe(`${hashed}/delorean.repo`);
    expect(fs.readFileSync(path.join(repos, 'tripleo-ci-testing', 'delorean.repo'), 'utf8')).toBe(`${repoFile}\n`);
    expect(fs.readFileSync(path.join(repos, 'tripleo-ci-testing', 'delorean.repo.md5'), 'utf8')).toBe(md5);
    const { rows } = await stack.pool.query("SELECT aggregate_hash, component FROM promotions WHERE promotion_name = 'tripleo-ci-testing' ORDER BY id DESC LIMIT 1");
    expect(rows[0]).toEqual({ aggregate_hash: md5, component: 'tripleo' });
    // A vote on the aggregate is now accepted.
    const vote = await app.inject({
      method: 'POST', url: '/api/report_result', headers: { authorization: basic(), 'content-type': 'application/json' },
      payload: JSON.stringify({ aggregate_hash: md5, job_id: 'j', url: 'u', timestamp: 1, success: true }),
    });
    expect(vote.statusCode).toBe(201);
  }, 60_000);
});
