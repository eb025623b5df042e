/** The HTTP server: the DLRN-compatible REST API, push webhooks and the trunks' repos. */
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { Config } from '../config';
import { anyCommits } from '../db/commits';
import type { TrunkPackage } from '../domain/trunk-build';
import { githubSignatureProblem, packagesForPush, parseGerritEvent, parseGithubPush, WebhookError, type RepoPush } from '../domain/webhooks';

/** What the API needs of the trunks: their packages, and a way to ask for discovery. */
export interface TrunkControl {
  packages(trunk: string): Promise<TrunkPackage[]>;
  discover(trunk: string, packages: string[], reason: string): Promise<string>;
}

/** What the API needs of the release pipeline: step 1 for a merge into the releases repository. */
export interface ReleaseControl {
  onPush(push: RepoPush): Promise<{ workflowId: string; started: boolean } | null>;
}

export interface ApiDeps {
  pool: Pool;
  config: Config;
  trunks?: TrunkControl;
  release?: ReleaseControl;
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
    return { result: (await anyCommits(deps.pool)) ? 'ok' : 'ok, no commits in DB' };
  };
  app.get('/api/health', health);

  // Push webhooks: discovery of the touched packages starts at once, not at the next schedule.
  const onPush = async (push: RepoPush) => {
    // A merge into the releases repository is a release request: step 1 starts (once per merge commit).
    const release = deps.release ? await deps.release.onPush(push) : null;
    if (release) return { project: push.project, branch: push.branch, release };
    if (!deps.trunks) throw Object.assign(new Error('this API server does not steer trunks'), { statusCode: 503 });
    const started: Array<{ trunk: string; packages: string[] }> = [];
    for (const t of deps.config.trunks) {
      const names = packagesForPush(push, await deps.trunks.packages(t.name)).map((p) => p.name);
      if (names.length === 0) continue;
      await deps.trunks.discover(t.name, names, `${push.source} push to ${push.project}${push.branch ? ` (${push.branch})` : ''}`);
      started.push({ trunk: t.name, packages: names });
    }
    return { project: push.project, branch: push.branch, discovery: started };
  };
  const parsed = (parse: (b: unknown) => RepoPush, body: unknown) => {
    try {
      return parse(body);
    } catch (err) {
      if (err instanceof WebhookError) throw Object.assign(new Error(`invalid payload: ${err.message}`), { statusCode: 400 });
      throw err;
    }
  };
  // Webhook bodies are kept raw as well: GitHub signs the exact bytes.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    (request as { rawBody?: string }).rawBody = body as string;
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch (err) {
      done(Object.assign(new Error(`invalid JSON body: ${(err as Error).message}`), { statusCode: 400 }), undefined);
    }
  });
  const secret = deps.config.http.webhookSecret;
  const refuse = (reason: string) => Object.assign(new Error(reason), { statusCode: 401 });
  app.post('/api/webhooks/gerrit', async (request, reply) => {
    if (secret && request.headers.authorization !== `Bearer ${secret}`) throw refuse('Authorization: a Bearer token equal to the webhook secret is required');
    return reply.status(202).send(await onPush(parsed(parseGerritEvent, request.body)));
  });
  app.post('/api/webhooks/github', async (request, reply) => {
    if (secret) {
      const raw = (request as { rawBody?: string }).rawBody ?? '';
      const problem = githubSignatureProblem(request.headers['x-hub-signature-256'] as string | undefined, createHmac('sha256', secret).update(raw).digest('hex'));
      if (problem) throw refuse(problem);
    }
    const event = request.headers['x-github-event'];
    if (event === 'ping') return reply.status(200).send({ result: 'pong' });
    if (event !== undefined && event !== 'push') return reply.status(400).send({ message: `X-GitHub-Event: only "push" is handled, got "${String(event)}"` });
    return reply.status(202).send(await onPush(parsed(parseGithubPush, request.body)));
  });

  // Each trunk's repos/ (hashed repos, current, consistent, reports), as DLRN's web server serves them.
  fs.mkdirSync(deps.config.paths.repos, { recursive: true });
  void app.register(fastifyStatic, { root: deps.config.paths.repos, prefix: '/repos/', index: false, list: true, dotfiles: 'deny' });

  return app;
}
