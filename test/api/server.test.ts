import { createHmac } from 'node:crypto';
import { createApiServer } from '../../src/api/server';
import { isolatedStack, type IsolatedStack } from '../support/stack';

describe('API server', () => {
  let stack: IsolatedStack;
  beforeAll(async () => {
    stack = await isolatedStack();
  });
  afterAll(async () => stack?.teardown());

  it('answers /api/health as DLRN does, before and after the first commit', async () => {
    const app = createApiServer({ pool: stack.pool, config: stack.config });
    try {
      const empty = await app.inject({ method: 'GET', url: '/api/health' });
      expect(empty.statusCode).toBe(200);
      expect(empty.json()).toEqual({ result: 'ok, no commits in DB' });
      await stack.pool.query("INSERT INTO commits (trunk, project_name, commit_hash, distro_hash, status) VALUES ('demo', 'p', 'a', 'b', 'SUCCESS')");
      const some = await app.inject({ method: 'GET', url: '/api/health' });
      expect(some.json()).toEqual({ result: 'ok' });
    } finally {
      await app.close();
    }
  });

  it('answers an unknown path with a 404 naming the request', async () => {
    const app = createApiServer({ pool: stack.pool, config: stack.config });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/nothing-here' });
      expect(res.statusCode).toBe(404);
      expect(res.json().message).toContain('/api/nothing-here');
    } finally {
      await app.close();
    }
  });
});

describe('push webhooks with a secret', () => {
  let stack: IsolatedStack;
  const secret = 's3cret';
  const asked: Array<{ trunk: string; packages: string[] }> = [];
  const trunks = {
    packages: async () => [{ name: 'openstack-nova', project: 'nova', upstream: 'https://opendev.org/openstack/nova', distgit: 'https://github.com/rdo-packages/nova-distgit.git', maintainers: [], component: null, sourceBranch: 'master', distroBranch: 'rpm-master', distgitPath: null }],
    discover: async (trunk: string, packages: string[]) => {
      asked.push({ trunk, packages });
      return `trunk:${trunk}`;
    },
  };
  beforeAll(async () => {
    stack = await isolatedStack({ http: { port: 0, webhookSecret: secret }, trunks: [{ name: 'main', release: 'flamingo' }] });
  });
  afterAll(async () => stack?.teardown());

  it('takes a GitHub push only with a valid signature of the raw body', async () => {
    const app = createApiServer({ pool: stack.pool, config: stack.config, trunks });
    try {
      const body = JSON.stringify({ ref: 'refs/heads/master', repository: { full_name: 'openstack/nova' } });
      const sign = (text: string) => `sha256=${createHmac('sha256', secret).update(text).digest('hex')}`;
      const headers = { 'content-type': 'application/json', 'x-github-event': 'push' };
      const unsigned = await app.inject({ method: 'POST', url: '/api/webhooks/github', headers, payload: body });
      expect(unsigned.statusCode).toBe(401);
      const forged = await app.inject({ method: 'POST', url: '/api/webhooks/github', headers: { ...headers, 'x-hub-signature-256': sign(`${body} `) }, payload: body });
      expect(forged.statusCode).toBe(401);
      expect(asked).toEqual([]);
      const signed = await app.inject({ method: 'POST', url: '/api/webhooks/github', headers: { ...headers, 'x-hub-signature-256': sign(body) }, payload: body });
      expect(signed.statusCode).toBe(202);
      expect(asked).toEqual([{ trunk: 'main', packages: ['openstack-nova'] }]);
    } finally {
      await app.close();
    }
  });

  it('takes a Gerrit event only with the bearer token, and answers bad JSON with a 400', async () => {
    const app = createApiServer({ pool: stack.pool, config: stack.config, trunks });
    try {
      const payload = { type: 'ref-updated', refUpdate: { project: 'openstack/nova', refName: 'refs/heads/master' } };
      expect((await app.inject({ method: 'POST', url: '/api/webhooks/gerrit', payload })).statusCode).toBe(401);
      const ok = await app.inject({ method: 'POST', url: '/api/webhooks/gerrit', headers: { authorization: `Bearer ${secret}` }, payload });
      expect(ok.statusCode).toBe(202);
      const bad = await app.inject({ method: 'POST', url: '/api/webhooks/gerrit', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, payload: '{"type":' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toContain('invalid JSON body');
    } finally {
      await app.close();
    }
  });
});
