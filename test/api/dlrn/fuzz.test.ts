import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createPackageSource } from '../../../src/activities/pkginfo/source';
import { createPromoteActivities } from '../../../src/activities/promote';
import { createRemoteImportActivities } from '../../../src/activities/remote-import';
import { createApiServer } from '../../../src/api/server';
import { isolatedStack, type IsolatedStack } from '../../support/stack';
import { basic, C, seed, trunkOverrides } from './seed';

/** A small deterministic generator (mulberry32): a failing case can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

const HOSTILE: unknown[] = [
  null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, '99999999999999999999999', '', ' ', 'True', 'False', '1', 'yes',
  '\u0000', 'a\u0000b', 'x'.repeat(70_000), '😀'.repeat(300), 'é', '\ud800', '../../etc/passwd', '/etc/passwd', '..', '.', 'a/b', 'current/../x',
  '%2e%2e%2f', '..\\..\\x', '<script>alert(1)</script>', "'; DROP TABLE users; --", '\n\r\t', {}, [], { a: { b: [1] } }, [1, 2, 3],
  'consistent', 'current', 'previous-x', 'c1', '2023-02-30', '2023-1-1', 'http://', 'ftp://x', 'http://[::1', 'javascript:alert(1)',
  C.foo.commit, C.foo.distro, C.purged.commit,
];

interface Endpoint {
  method: 'GET' | 'POST';
  path: string;
  /** A request that passes validation, to mutate one field at a time. */
  base: Record<string, unknown> | Array<Record<string, unknown>>;
}

const foo = { commit_hash: C.foo.commit, distro_hash: C.foo.distro };
const ENDPOINTS: Endpoint[] = [
  { method: 'GET', path: '/api/health', base: {} },
  { method: 'POST', path: '/api/health', base: {} },
  { method: 'GET', path: '/api/last_tested_repo', base: { max_age: 0, success: 'True', job_id: 'job-a', sequential_mode: 'False', component: 'tripleo' } },
  { method: 'POST', path: '/api/last_tested_repo', base: { max_age: 0, reporting_job_id: 'fuzz', previous_job_id: 'job-a' } },
  { method: 'POST', path: '/api/report_result', base: { ...foo, job_id: 'fuzz', url: 'http://x', timestamp: 1, success: true, notes: 'n' } },
  { method: 'POST', path: '/api/report_result', base: { aggregate_hash: 'agg1', job_id: 'fuzz', url: 'http://x', timestamp: 1, success: false } },
  { method: 'GET', path: '/api/repo_status', base: { ...foo, success: 'true', extended_hash: 'x' } },
  { method: 'GET', path: '/api/agg_status', base: { aggregate_hash: 'agg1', success: 1 } },
  { method: 'GET', path: '/api/promotions', base: { ...foo, promote_name: 'tested', offset: 0, limit: 5, component: 'c', aggregate_hash: 'agg1' } },
  { method: 'GET', path: '/api/components', base: {} },
  { method: 'GET', path: '/api/metrics/builds', base: { start_date: '2023-11-14', end_date: '2023-11-16', package_name: 'python-foo' } },
  { method: 'POST', path: '/api/promote', base: { ...foo, promote_name: 'fuzz-label' } },
  { method: 'POST', path: '/api/promote-batch', base: [{ ...foo, promote_name: 'fuzz-a' }, { ...foo, promote_name: 'fuzz-b' }] },
  { method: 'POST', path: '/api/recheck_package', base: { package_name: 'python-foo' } },
  { method: 'POST', path: '/api/remote/import', base: { repo_url: 'http://127.0.0.1:9/repo' } },
  { method: 'GET', path: '/api/civotes.html', base: { offset: 0 } },
  { method: 'GET', path: '/api/civotes_detail.html', base: { ...foo, component: 'tripleo', ci_name: 'job-a' } },
  { method: 'GET', path: '/api/civotes_agg.html', base: { offset: 1 } },
  { method: 'GET', path: '/api/civotes_agg_detail.html', base: { ref_hash: 'agg1', ci_name: 'agg-job' } },
  { method: 'GET', path: '/api/report.html', base: {} },
  { method: 'GET', path: '/metrics', base: {} },
  { method: 'GET', path: '/api/graphql', base: { query: '{ commits(limit: 2) { id commitHash } }' } },
  { method: 'POST', path: '/api/graphql', base: { query: 'query($n: Int) { civote(limit: $n, where: {timestamp: {gt: 0}}) { ciName commit { id } } }', variables: { n: 3 } } },
  { method: 'POST', path: '/api/graphql', base: { query: '{ civoteAgg(lastRefHash: true) { refHash } packageStatus(status: "FAILED") { projectName } }' } },
];

const RAW_BODIES = ['{', '{"max_age":', 'null', '[]', '"text"', '123', '\u0000', '{"a":1}{"b":2}', '[' .repeat(50_000), '\xff\xfe\xfd', '{"max_age": 0, "max_age": "x"}'];
const CONTENT_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-8', 'application/vnd.x+json', '', 'a/b/c;;;='];

describe('fuzzing every DLRN API endpoint', () => {
  let stack: IsolatedStack;
  let app: FastifyInstance;
  let repos: string;
  const controlCalls: string[] = [];
  beforeAll(async () => {
    stack = await isolatedStack({ ...trunkOverrides(), dlrnApi: { bodyLimitBytes: 1024 * 1024 } });
    await seed(stack.pool);
    repos = stack.config.paths.repos;
    fs.mkdirSync(path.join(repos, 'main', 'c1'), { recursive: true });
    const activityDeps = { pool: stack.pool, config: stack.config, packages: createPackageSource(stack.config) };
    const promotions = createPromoteActivities(activityDeps);
    const remote = createRemoteImportActivities(activityDeps);
    app = createApiServer({
      pool: stack.pool, config: stack.config,
      dlrn: {
        // The promotion activity itself, without a workflow in between: the file system is fuzzed too.
        promote: async (req) => {
          controlCalls.push(`promote ${req.items.map((i) => i.promoteName).join(',')}`);
          return promotions.applyPromotions(req);
        },
        recheck: async (_trunk, packageName) => {
          controlCalls.push(`recheck ${packageName}`);
          return { rechecked: false, packageName, httpStatus: 409, explanation: `Error while rechecking ${packageName}. It's not possible to recheck a successful commit` };
        },
        voteRecorded: async () => undefined,
        // The fetch itself (nothing answers on the discard port): a build it found would be a test fault.
        remoteImport: async (trunk, url) => {
          controlCalls.push(`import ${url}`);
          const fetched = await remote.fetchRemoteBuild(trunk, url);
          if (fetched.kind !== 'refused') throw new Error(`unexpected remote build at ${url}`);
          return { ok: false, status: fetched.status, message: fetched.message };
        },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  /** Row counts of every API table and the repo tree: what a refused request must leave as it was. */
  const snapshot = async () => {
    const { rows } = await stack.pool.query(`SELECT (SELECT count(*) FROM civotes) AS v, (SELECT count(*) FROM civotes_agg) AS a,
      (SELECT count(*) FROM promotions) AS p, (SELECT count(*) FROM users) AS u, (SELECT count(*) FROM commits) AS c`);
    const files = fs.readdirSync(repos, { recursive: true }).map(String).sort().join('\n');
    return JSON.stringify(rows[0]) + files;
  };

  it('answers thousands of hostile requests with a 4xx and a message, writes nothing when it refuses, and stays up', async () => {
    const rnd = random(20261202);
    let before = await snapshot();
    const problems: string[] = [];
    const seen = new Map<number, number>();
    for (let i = 0; i < 2500; i++) {
      const ep = rnd.pick(ENDPOINTS);
      const headers: Record<string, string> = {};
      const auth = rnd.next();
      if (auth < 0.7) headers.authorization = basic();
      else if (auth < 0.8) headers.authorization = basic('foo', rnd.pick(['wrong', '', 'bar\u0000']));
      else if (auth < 0.9) headers.authorization = rnd.pick(['Basic !!!', 'Basic ' + Buffer.from('nocolon').toString('base64'), 'Bearer x', `Basic ${'A'.repeat(5000)}`]);
      const contentType = rnd.next() < 0.75 ? 'application/json' : rnd.pick(CONTENT_TYPES);
      if (contentType) headers['content-type'] = contentType;
      let payload: string | Buffer | undefined;
      let url = ep.path;
      const shape = rnd.next();
      if (shape < 0.15) {
        payload = rnd.pick(RAW_BODIES);
      } else if (shape < 0.2) {
        payload = Buffer.alloc(1024 * 1024 + 10, 0x7b);
      } else {
        const body = structuredClone(ep.base);
        const target = Array.isArray(body) ? body[Math.floor(rnd.next() * body.length)] : body;
        const keys = Object.keys(target);
        const mutations = 1 + Math.floor(rnd.next() * 3);
        for (let m = 0; m < mutations; m++) {
          const key = keys.length && rnd.next() < 0.85 ? rnd.pick(keys) : rnd.pick(['max_age', 'promote_name', 'commit_hash', 'limit', '__proto__', 'constructor', 'é']);
          if (rnd.next() < 0.15) delete target[key];
          else target[key] = rnd.pick(HOSTILE);
        }
        if (rnd.next() < 0.3) {
          // Also (or only) in the query string, as dlrnapi_client sends GET parameters.
          const query = Object.entries(Array.isArray(body) ? {} : body).map(([k, v]) => `${encodeURIComponent(k)}=${typeof v === 'string' ? encodeURIComponent(v.slice(0, 2000).replace(/[\ud800-\udfff]/g, '?')) : rnd.pick(['%zz', '%', String(v)])}`);
          url += `?${query.join('&')}`;
        }
        payload = JSON.stringify(body);
      }
      const res = await app.inject({ method: ep.method, url, headers, payload });
      seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
      const where = `#${i} ${ep.method} ${url.slice(0, 200)} ${headers['content-type'] ?? ''} ${String(payload).slice(0, 200)}`;
      const okStatus = res.statusCode < 500;
      if (!okStatus) problems.push(`${where} -> ${res.statusCode} ${res.body.slice(0, 300)}`);
      if (/\n\s+at /.test(res.body)) problems.push(`${where} -> a stack trace: ${res.body.slice(0, 300)}`);
      if (res.statusCode >= 400) {
        let message: unknown;
        try {
          const json = res.json();
          message = ep.path === '/api/graphql' && Array.isArray(json.errors) ? json.errors[0]?.message : json.message;
        } catch {
          message = undefined;
        }
        if (typeof message !== 'string' || message === '') problems.push(`${where} -> ${res.statusCode} without a message: ${res.body.slice(0, 200)}`);
        const after = await snapshot();
        if (after !== before) problems.push(`${where} -> ${res.statusCode} but something was written`);
        before = after;
      } else {
        before = await snapshot();
      }
      if (problems.length > 10) break;
    }
    expect(problems).toEqual([]);
    // Refusals of every kind happened, and some requests went through.
    for (const status of [400, 401, 403, 413, 415]) expect(seen.get(status) ?? 0).toBeGreaterThan(0);
    expect(seen.get(200) ?? 0).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/api/health' })).json()).toEqual({ result: 'ok' });
    // Nothing escaped the repo tree.
    expect(fs.readdirSync(path.dirname(repos)).sort()).toEqual(['repos']);
    expect(controlCalls.length).toBeGreaterThan(0);
  }, 600_000);
});
