/** The HTTP server: the DLRN-compatible REST API, push webhooks and the trunks' repos. */
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { Config } from '../config';
import { anyCommits } from '../db/commits';
import { trunkBaseurl } from '../activities/layout';
import { DlrnApiError } from '../domain/dlrn-api/errors';
import type { TrunkPackage } from '../domain/trunk-build';
import { Authenticator } from './dlrn/auth';
import { registerDlrnApi, type DlrnControl } from './dlrn/routes';
import { flaskJson } from './dlrn/wire';
import { githubSignatureProblem, packagesForPush, parseGerritRefUpdated, parseGithubPush, WebhookError, type RepoPush } from '../domain/webhooks';

/** What the API needs of the trunks: their packages, and a way to ask for discovery. */
export interface TrunkControl {
  packages(trunk: string): Promise<TrunkPackage[]>;
  discover(trunk: string, packages: string[], reason: string): Promise<string>;
}

export interface ApiDeps {
  pool: Pool;
  config: Config;
  trunks?: TrunkControl;
  /** Promotions, rechecks and vote notices of the DLRN API; without it those answer 503. */
  dlrn?: DlrnControl;
  logger?: boolean;
}

/** Where a trunk's DLRN API is served: its prefix, and the root for the first trunk when configured. */
export function dlrnApiPrefixes(config: Config, trunkIndex: number): string[] {
  const t = config.trunks[trunkIndex];
  const prefixes = [config.dlrnApi.prefix.replaceAll('{trunk}', t.name)];
  if (trunkIndex === 0 && config.dlrnApi.firstTrunkAtRoot) prefixes.push('');
  return prefixes;
}

/**
 * The HTTP server: the DLRN-compatible REST API under /api (health for now).
 * Errors a client caused are answered 4xx with DLRN's `{"message": …}` shape.
 */
export function createApiServer(deps: ApiDeps): FastifyInstance {
  const app = Fastify({ logger: deps.logger ?? false, bodyLimit: deps.config.dlrnApi.bodyLimitBytes });

  app.setErrorHandler((error: { statusCode?: number; status?: number; message: string }, request, reply) => {
    // DLRN's InvalidUsage carries its own status (4xx, or 501/503 for what this server cannot do).
    const given = error instanceof DlrnApiError ? error.status : error.statusCode;
    const status = given && given >= 400 && given < 600 && given !== 500 ? given : 500;
    if (status === 500) request.log.error(error);
    void reply.status(status).type('application/json').send(flaskJson({ message: status === 500 ? 'Internal server error' : error.message }));
  });
  // A known path asked with another method is a 405, as Flask answers it.
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = methodsByPath.get(route.url) ?? new Set<string>();
    for (const m of [route.method].flat()) methods.add(m);
    methodsByPath.set(route.url, methods);
  });
  app.setNotFoundHandler((request, reply) => {
    const known = methodsByPath.get(request.url.split('?')[0]);
    if (known) {
      void reply.status(405).header('Allow', [...known].join(', ')).type('application/json')
        .send(flaskJson({ message: 'The method is not allowed for the requested URL.' }));
      return;
    }
    void reply.status(404).type('application/json').send(flaskJson({ message: `Not found: ${request.method} ${request.url}` }));
  });

  // One DLRN API per trunk, each in its own encapsulated context (its body parsing and auth are DLRN's).
  const auth = new Authenticator(deps.pool, deps.config.dlrnApi.authCacheSeconds);
  const trunks = deps.trunks;
  const packages = trunks ? async (t: string) => (await trunks.packages(t)).map((p) => p.name) : undefined;
  deps.config.trunks.forEach((trunk, i) => {
    const baseurl = trunkBaseurl(deps.config, trunk);
    for (const prefix of dlrnApiPrefixes(deps.config, i)) {
      void app.register(async (scope) => registerDlrnApi(scope, { pool: deps.pool, config: deps.config, trunk, auth, control: deps.dlrn, baseurl, packages }), { prefix });
    }
  });
  if (deps.config.trunks.length === 0) {
    app.get('/api/health', async () => ({ result: (await anyCommits(deps.pool)) ? 'ok' : 'ok, no commits in DB' }));
  }

  // Push webhooks: discovery of the touched packages starts at once, not at the next schedule.
  const onPush = async (push: RepoPush) => {
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
    return reply.status(202).send(await onPush(parsed(parseGerritRefUpdated, request.body)));
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
