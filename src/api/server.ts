import Fastify, { type FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { Config } from '../config';

export interface ApiDeps {
  pool: Pool;
  config: Config;
  logger?: boolean;
}

/**
 * The HTTP server: the DLRN-compatible REST API under /api (health for now).
 * Errors a client caused are answered 4xx with DLRN's `{"message": …}` shape.
 */
export function createApiServer(deps: ApiDeps): FastifyInstance {
  const app = Fastify({ logger: deps.logger ?? false });

  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error(error);
    void reply.status(status).send({ message: status === 500 ? 'Internal server error' : error.message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ message: `Not found: ${request.method} ${request.url}` });
  });

  const health = async () => {
    const { rows } = await deps.pool.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM commits) AS any');
    return { result: rows[0].any ? 'ok' : 'ok, no commits in DB' };
  };
  app.get('/api/health', health);

  return app;
}
