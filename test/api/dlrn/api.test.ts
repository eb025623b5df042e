import type { FastifyInstance } from 'fastify';
import { createApiServer } from '../../../src/api/server';
import type { DlrnControl } from '../../../src/api/dlrn/routes';
import type { VoteRecorded } from '../../../src/workflows/messages';
import { isolatedStack, type IsolatedStack } from '../../support/stack';
import { basic, C, seed, trunkOverrides } from './seed';

describe('DLRN API reads and votes', () => {
  let stack: IsolatedStack;
  let app: FastifyInstance;
  let ids: Record<string, number>;
  const signalled: VoteRecorded[] = [];
  const rechecks: string[] = [];
  const control: DlrnControl = {
    promote: async () => ({ ok: false, status: 418, message: 'not in this test' }),
    recheck: async (trunk, packageName) => {
      rechecks.push(`${trunk}/${packageName}`);
      return packageName === 'python-foo'
        ? { rechecked: true, packageName, deletedRowId: 3, explanation: 'deleted' }
        : { rechecked: false, packageName, httpStatus: 409, explanation: `Error while rechecking ${packageName}. It's not possible to recheck a successful commit` };
    },
    voteRecorded: async (vote) => signalled.push(vote),
    trunkStatus: async () => ({ queued: [1, 2], running: [1], postBuildsPending: 0 }),
    buildDurations: async (trunk) => (trunk === 'main' ? [12, 8] : new Promise(() => undefined)),
  };
  beforeAll(async () => {
    stack = await isolatedStack(trunkOverrides());
    ids = await seed(stack.pool);
    app = createApiServer({ pool: stack.pool, config: stack.config, dlrn: control });
  });
  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  const get = (url: string, payload?: unknown) =>
    app.inject({ method: 'GET', url, ...(payload === undefined ? {} : { payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }) });
  const post = (url: string, payload: unknown, headers: Record<string, string> = { authorization: basic(), 'content-type': 'application/json' }) =>
    app.inject({ method: 'POST', url, payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers });

  it('answers health per trunk, at the trunk prefix and at /api for the first trunk; POST needs credentials', async () => {
    expect((await get('/api/health')).json()).toEqual({ result: 'ok' });
    expect((await get('/main/api/health')).json()).toEqual({ result: 'ok' });
    const anon = await app.inject({ method: 'POST', url: '/api/health' });
    expect(anon.statusCode).toBe(401);
    expect(anon.json()).toEqual({ message: 'Unauthorized Access' });
    expect(anon.headers['www-authenticate']).toBe('Basic realm="Authentication Required"');
    expect((await app.inject({ method: 'POST', url: '/api/health', headers: { authorization: basic('foo', 'wrong') } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/health', headers: { authorization: basic() } })).json()).toEqual({ result: 'ok' });
    expect((await get('/api/nothing')).statusCode).toBe(404);
    expect((await app.inject({ method: 'PUT', url: '/api/health' })).statusCode).toBe(405);
  });

  it('picks the newest vote on a SUCCESS build for last_tested_repo, never one on a FAILED build', async () => {
    const res = await get('/api/last_tested_repo?max_age=0');
    expect(res.statusCode).toBe(200);
    // Sorted keys, as Flask's jsonify writes them.
    expect(res.body).toBe(`{"commit_hash":"${C.bar.commit}","component":"tripleo","distro_hash":"${C.bar.distro}","extended_hash":"${C.bar.extended}","in_progress":false,"job_id":"job-b","success":false,"timestamp":1700000300,"user":"foo"}\n`);
    // dlrnapi_client sends the parameters in the query string and a JSON body, booleans as "True"/"False".
    const success = await get('/api/last_tested_repo?max_age=0&success=True', { max_age: '0', success: 'True' });
    expect(success.json()).toMatchObject({ commit_hash: C.foo.commit, job_id: 'job-a', success: true });
    const fallback = await get('/api/last_tested_repo', { max_age: 0, job_id: 'unknown-job' });
    expect(fallback.json()).toMatchObject({ job_id: 'job-b' });
    const consistentOnly = await get('/api/last_tested_repo', { max_age: 0, job_id: 'unknown-job', success: '1', component: 'none-such' });
    expect(consistentOnly.statusCode).toBe(400);
    expect(consistentOnly.json()).toEqual({ message: 'No vote found' });
    const other = await get('/other/api/last_tested_repo?max_age=0');
    expect(other.json()).toMatchObject({ commit_hash: C.other.commit });
    const recent = await get('/api/last_tested_repo?max_age=1');
    expect(recent.json()).toEqual({ message: 'No vote found' });
  });

  it("answers bad last_tested_repo input with DLRN's messages", async () => {
    const cases: Array<[string, unknown, string]> = [
      ['/api/last_tested_repo', {}, "Errors detected: 1 {'max_age': 'field required'}"],
      ['/api/last_tested_repo', { max_age: -1 }, 'Max age parameter must be greater than or equal to 0'],
      ['/api/last_tested_repo', { max_age: 'x', success: 'maybe' }, "Errors detected: 2 {'max_age': 'value is not a valid integer', 'success': 'value could not be parsed to a boolean'}"],
      ['/api/last_tested_repo', { max_age: 0, sequential_mode: true }, 'Missing parameter previous_job_id'],
      ['/api/last_tested_repo', { max_age: 0, job_id: 5 }, "Errors detected: 1 {'job_id': 'str type expected'}"],
      ['/api/last_tested_repo', { max_age: 0, sequential_mode: 'yes', previous_job_id: 'nobody' }, 'No vote found'],
    ];
    for (const [url, body, message] of cases) {
      const res = await get(url, body);
      expect({ body, status: res.statusCode, json: res.json() }).toEqual({ body, status: 400, json: { message } });
    }
  });

  it('adds an in-progress vote with POST last_tested_repo: credentials first, then the JSON content type', async () => {
    const body = { max_age: 0, reporting_job_id: 'job-new', success: true };
    expect((await post('/api/last_tested_repo', body, { 'content-type': 'text/plain' })).statusCode).toBe(401);
    const wrongType = await post('/api/last_tested_repo', body, { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json()).toEqual({ message: 'Unsupported Media Type, use JSON' });
    const res = await post('/api/last_tested_repo', body);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ commit_hash: C.foo.commit, job_id: 'job-new', success: false, in_progress: true, user: 'foo', component: null });
    const { rows } = await stack.pool.query("SELECT commit_id, ci_in_progress, \"user\" FROM civotes WHERE ci_name = 'job-new'");
    expect(rows).toEqual([{ commit_id: ids.foo, ci_in_progress: true, user: 'foo' }]);
  });

  it('records report_result votes on builds and aggregates, and signals the hash', async () => {
    const res = await post('/api/report_result', { job_id: 'job-r', commit_hash: C.bar.commit, distro_hash: C.bar.distro, url: 'http://ci/r', timestamp: '1700001000', success: 'false' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      commit_hash: C.bar.commit, distro_hash: C.bar.distro, extended_hash: C.bar.extended, aggregate_hash: null, timestamp: 1700001000, job_id: 'job-r',
      success: false, in_progress: false, url: 'http://ci/r', notes: '', user: 'foo', component: 'tripleo',
    });
    const agg = await post('/api/report_result', { job_id: 'job-agg', aggregate_hash: 'agg1', url: 'u', timestamp: 1700001001, success: true, notes: 'fine' });
    expect(agg.statusCode).toBe(201);
    expect(agg.json()).toMatchObject({ aggregate_hash: 'agg1', commit_hash: null, extended_hash: null, component: null, notes: 'fine' });
    expect(signalled.map((s) => s.hash)).toEqual([`${C.bar.commit}_${C.bar.distro.slice(0, 8)}`, 'agg1']);
    const errors: Array<[unknown, string]> = [
      [{ job_id: 'j', url: 'u', timestamp: 1, success: true }, '"Either the aggregate hash or both commit_hash and distro_hash must be provided"'],
      [{ job_id: 'j', url: 'u', timestamp: 1, success: true, commit_hash: 'x' }, 'If commit_hash is provided, distro_hash must be provided too'],
      [{ job_id: 'j', url: 'u', timestamp: 1, success: true, distro_hash: 'x' }, 'If distro_hash is provided, commit_hash must be provided too'],
      [{ job_id: 'j', url: 'u', timestamp: 1, success: true, aggregate_hash: 'agg1', commit_hash: 'x', distro_hash: 'y' }, 'aggregate_hash and commit/distro_hash cannot be combined'],
      [{ job_id: 'j', url: 'u', timestamp: 1, success: true, commit_hash: C.failed.commit, distro_hash: C.failed.distro }, 'commit_hash+distro_hash+extended_hash combination not found'],
      [{ job_id: 'j', url: 'u', timestamp: 1, success: true, commit_hash: C.other.commit, distro_hash: C.other.distro }, 'commit_hash+distro_hash+extended_hash combination not found'],
      [{ job_id: 'j', url: 'u', timestamp: 1, success: true, aggregate_hash: 'nope' }, 'aggregate_hash not found'],
      [{ aggregate_hash: 'agg1' }, "Errors detected: 4 {'timestamp': 'field required', 'success': 'field required', 'job_id': 'field required', 'url': 'field required'}"],
      [{ job_id: 'j', url: 'u', timestamp: 99999999999, success: true, aggregate_hash: 'agg1' }, "Errors detected: 1 {'timestamp': 'ensure this value is less than or equal to 2147483647'}"],
    ];
    for (const [body, message] of errors) {
      const r = await post('/api/report_result', body);
      expect({ body, status: r.statusCode, json: r.json() }).toEqual({ body, status: 400, json: { message } });
    }
    expect(signalled).toHaveLength(2);
  });

  it('lists repo_status and agg_status votes', async () => {
    const repo = await get(`/api/repo_status?commit_hash=${C.foo.commit}&distro_hash=${C.foo.distro}&success=true`);
    expect(repo.json()).toEqual([
      { timestamp: 1700000100, commit_hash: C.foo.commit, distro_hash: C.foo.distro, extended_hash: null, job_id: 'job-a', success: true, in_progress: false, url: 'http://ci.example.test/job-a', notes: '', user: 'foo', component: null },
      { timestamp: 1700000200, commit_hash: C.foo.commit, distro_hash: C.foo.distro, extended_hash: null, job_id: 'consistent', success: true, in_progress: false, url: 'http://ci.example.test/consistent', notes: '', user: 'foo', component: null },
    ]);
    const missing = await get('/api/repo_status', { commit_hash: C.foo.commit });
    expect(missing.json()).toEqual({ message: "Errors detected: 1 {'distro_hash': 'field required'}" });
    const agg = await get('/api/agg_status?aggregate_hash=agg1');
    expect(agg.json()[0]).toEqual({ timestamp: 1700000800, aggregate_hash: 'agg1', job_id: 'agg-job', success: true, in_progress: false, url: 'http://ci.example.test/agg', notes: 'n', user: 'foo' });
    expect((await get('/api/agg_status?aggregate_hash=unknown')).json()).toEqual([]);
    expect((await get('/other/api/agg_status?aggregate_hash=agg1')).json()).toEqual([]);
  });

  it('lists promotions newest first with a bounded page, and components', async () => {
    const all = await get('/api/promotions');
    expect(all.json().map((p: { promote_name: string }) => p.promote_name)).toEqual(['tripleo-ci-testing', 'tested']);
    expect(all.json()[1]).toEqual({
      timestamp: 1700000500, commit_hash: C.foo.commit, distro_hash: C.foo.distro, extended_hash: null, aggregate_hash: 'agg1',
      repo_hash: `${C.foo.commit}_${C.foo.distro.slice(0, 8)}`, repo_url: `http://trunk.example.test/main/c1/00/${C.foo.commit}_${C.foo.distro.slice(0, 8)}`,
      promote_name: 'tested', component: null, user: 'foo',
    });
    expect(all.json()[0].repo_url).toBe(`http://trunk.example.test/main/component/tripleo/c2/00/${C.bar.commit}_${C.bar.distro.slice(0, 8)}_${C.bar.extended.slice(0, 8)}`);
    expect((await get('/api/promotions?limit=1&offset=1')).json().map((p: { promote_name: string }) => p.promote_name)).toEqual(['tested']);
    expect((await get('/api/promotions?promote_name=tested&component=tripleo')).json()).toEqual([]);
    expect((await get(`/api/promotions?commit_hash=${C.bar.commit}&distro_hash=${C.bar.distro}`)).json()).toHaveLength(1);
    expect((await get(`/api/promotions?commit_hash=${C.bar.commit}`)).json()).toEqual({ message: 'Both commit_hash and distro_hash must be specified if one of them is.' });
    expect((await get('/api/promotions?offset=-1')).json()).toEqual({ message: "Errors detected: 1 {'offset': 'ensure this value is greater than or equal to 0'}" });
    expect((await get('/other/api/promotions')).json().map((p: { component: string }) => p.component)).toEqual(['elsewhere']);
    expect((await get('/api/components')).json()).toEqual({ components: ['tripleo'] });
  });

  it('counts builds in [start, end) for metrics/builds, FAILED and SUCCESS alike', async () => {
    const day = await get('/api/metrics/builds?start_date=2023-11-14&end_date=2023-11-16');
    expect(day.json()).toEqual({ succeeded: 3, failed: 1, total: 4 });
    // The FAILED build started exactly at 2023-11-16 00:00 UTC: outside [start, end) (DLRN counts it).
    const before = await get('/api/metrics/builds', { start_date: '2023-11-14', end_date: '2023-11-15', package_name: 'python-foo' });
    expect(before.json()).toEqual({ succeeded: 1, failed: 0, total: 1 });
    expect((await get('/api/metrics/builds?start_date=2023-02-30&end_date=2023-11-15')).json()).toEqual({ message: 'Invalid date format, it must be YYYY-mm-dd' });
    expect((await get('/api/metrics/builds?start_date=2023-02-01')).json()).toEqual({ message: "Errors detected: 1 {'end_date': 'field required'}" });
  });

  it('rechecks through the trunk, taking a form or JSON, with no content-type check', async () => {
    const form = await app.inject({ method: 'POST', url: '/api/recheck_package', payload: 'package_name=python-foo', headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.statusCode).toBe(201);
    expect(form.json()).toEqual({ result: 'ok' });
    const success = await post('/other/api/recheck_package', { package_name: 'python-bar' });
    expect(success.statusCode).toBe(409);
    expect(success.json().message).toBe("Error while rechecking python-bar. It's not possible to recheck a successful commit");
    expect(rechecks).toEqual(['main/python-foo', 'other/python-bar']);
    expect((await post('/api/recheck_package', {})).json()).toEqual({ message: "Errors detected: 1 {'package_name': 'field required'}" });
  });

  it('serves the vote pages, report.html and Prometheus metrics', async () => {
    const page = await get('/api/civotes.html');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`${C.bar.commit}_${C.bar.distro.slice(0, 8)}`);
    expect(page.body).not.toContain(C.other.commit);
    expect((await get('/api/civotes_detail.html')).json()).toEqual({ message: 'Please specify either commit_hash+distro_hash, component or ci_name as parameters.' });
    expect((await get('/api/civotes_detail.html?ci_name=job-a')).body).toContain('http://ci.example.test/job-a');
    expect((await get('/api/civotes_agg.html')).body).toContain('agg1');
    expect((await get('/api/civotes_agg_detail.html')).json()).toEqual({ message: 'Please specify either ref_hash or ci_name as parameters.' });
    expect((await get('/api/civotes_agg_detail.html?ref_hash=agg1')).body).toContain('agg-job');
    expect((await get('/api/report.html')).body).toContain(C.foo.commit);
    const metrics = await get('/metrics');
    expect(metrics.body).toContain('dlrn_builds_succeeded_total{baseurl="http://trunk.example.test/main"} 3.0');
    expect(metrics.body).toContain('dlrn_builds_failed_total{baseurl="http://trunk.example.test/main"} 1.0');
    expect(metrics.body).toContain('trunkflow_builds{trunk="main",status="SUCCESS"} 3.0');
    expect(metrics.body).toContain('trunkflow_trunk_queue_length{trunk="main"} 2.0');
    expect(metrics.body).toContain('trunkflow_build_duration_seconds_sum{trunk="main"} 20.0');
    // A Temporal that does not answer leaves its figures out instead of holding the scrape.
    const other = await get('/other/metrics');
    expect(other.body).toContain('dlrn_builds_total{baseurl="http://trunk.example.test/repos/other"} 1.0');
    expect(other.body).not.toContain('trunkflow_build_duration_seconds');
  });

  it("answers DLRN's GraphQL queries over GET and POST, per trunk, with DLRN's limits", async () => {
    const ql = (query: string, variables?: unknown) =>
      app.inject({ method: 'POST', url: '/api/graphql', payload: JSON.stringify({ query, variables }), headers: { 'content-type': 'application/json' } });
    const commits = await ql('{ commits(projectName: "python-foo") { id commitHash status dtBuild } }');
    expect(commits.statusCode).toBe(200);
    expect(commits.json()).toEqual({ data: { commits: [
      { id: Buffer.from(`Commit:${ids.failed}`).toString('base64'), commitHash: C.failed.commit, status: 'FAILED', dtBuild: 1700086400 },
      { id: Buffer.from(`Commit:${ids.foo}`).toString('base64'), commitHash: C.foo.commit, status: 'SUCCESS', dtBuild: 1700000000 },
    ] } });
    const get = await app.inject({ method: 'GET', url: `/api/graphql?query=${encodeURIComponent('{ commits(limit: 1) { projectName } }')}` });
    expect(get.json()).toEqual({ data: { commits: [{ projectName: 'python-baz' }] } });
    const getBody = await app.inject({ method: 'GET', url: '/api/graphql', payload: JSON.stringify({ query: '{ commits(limit: 1) { projectName } }' }), headers: { 'content-type': 'application/json' } });
    expect(getBody.json()).toEqual({ data: { commits: [{ projectName: 'python-baz' }] } });
    const votes = await ql('query($gt: Int) { civote(where: {timestamp: {gt: $gt}}, ciVote: true) { ciName timestamp commit { commitHash } } }', { gt: 1700000150 });
    expect(votes.json().data.civote).toEqual([
      { ciName: 'job-c', timestamp: 1700000400, commit: { commitHash: C.failed.commit } },
      { ciName: 'consistent', timestamp: 1700000200, commit: { commitHash: C.foo.commit } },
    ]);
    const agg = await ql('{ civoteAgg(lastRefHash: true) { refHash ciName } }');
    expect(agg.json().data.civoteAgg).toContainEqual({ refHash: 'agg1', ciName: 'agg-job' });
    expect(new Set(agg.json().data.civoteAgg.map((v: { refHash: string }) => v.refHash))).toEqual(new Set(['agg1']));
    const both = await ql('{ civoteAgg(lastRefHash: true, refHash: "agg1") { refHash } }');
    expect(both.json().errors[0].message).toBe('refHash/timestamp/where.timestamp and last_ref_hash cannot be provided in the same query');
    const status = await ql('{ packageStatus { projectName status lastSuccess firstFailureCommit } }');
    expect(status.json().data.packageStatus).toEqual([
      { projectName: 'python-bar', status: 'SUCCESS', lastSuccess: null, firstFailureCommit: null },
      { projectName: 'python-baz', status: 'SUCCESS', lastSuccess: null, firstFailureCommit: null },
      { projectName: 'python-foo', status: 'FAILED', lastSuccess: '2023-11-14T22:13:20', firstFailureCommit: C.failed.commit },
    ]);
    const other = await app.inject({ method: 'GET', url: `/other/api/graphql?query=${encodeURIComponent('{ commits { commitHash } }')}` });
    expect(other.json()).toEqual({ data: { commits: [{ commitHash: C.other.commit }] } });
    expect((await ql('{ commits(limit: 1000) { id } }')).json().data.commits).toHaveLength(4);
    expect((await ql('{ commits(limit: -1) { id } }')).json().errors[0].message).toBe('offset and limit must not be negative');
    expect((await ql('{ commits { nope } }')).statusCode).toBe(400);
    expect((await ql('{ commits(')).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/graphql' })).json()).toEqual({ errors: [{ message: 'Must provide query string.' }] });
    const many = `{ ${Array.from({ length: 21 }, (_, i) => `a${i}: commits { id }`).join(' ')} }`;
    expect((await ql(many)).statusCode).toBe(400);
  });
});
