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
      await stack.pool.query("INSERT INTO commits (project_name, commit_hash, distro_hash, status) VALUES ('p', 'a', 'b', 'SUCCESS')");
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
