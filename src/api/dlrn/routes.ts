/**
 * The DLRN REST API of one trunk (dlrn/api/dlrn_api.py): the same paths,
 * methods, parameters, JSON shapes, status codes and messages, under the
 * trunk's prefix. Reads are anonymous unless configured otherwise; writes
 * need HTTP Basic credentials of `users`, then `Content-Type: application/json`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import type { Config, TrunkConfig } from '../../config';
import * as civotes from '../../db/civotes';
import { buildCountsBetween, buildCountsByStatus, recentCommits, trunkHasCommits } from '../../db/commits';
import { aggregateHashKnown, listPromotions, promotedComponents } from '../../db/promotions';
import { DlrnApiError } from '../../domain/dlrn-api/errors';
import { civotesAggHtml, civotesHtml, voteDetailHtml } from '../../domain/dlrn-api/html';
import {
  AggStatus, CIVotes, CIVotesAggDetail, CIVotesDetail, LastTestedRepo, LastTestedRepoPost, Metrics, Promote, Promotions,
  RecheckPackage, RemoteImport, RepoStatus, ReportResult, parseInput, parsePromoteBatch, type LastTestedRepoInput,
} from '../../domain/dlrn-api/inputs';
import { checkPromoteName, promotionsLimit, repoUrl, type PromoteAnswer, type PromoteItem, type PromoteRequest } from '../../domain/dlrn-api/promotions';
import { prometheusText, trunkMetrics } from '../../domain/dlrn-api/metrics';
import { noVoteFound, voteSearchPlan } from '../../domain/dlrn-api/votes';
import { reportHtml } from '../../domain/trunk/reports';
import { repoHash } from '../../domain/trunk/hashes';
import type { RecheckAnswer } from '../../domain/trunk-build';
import type { VoteRecorded } from '../../workflows/messages';
import type { RemoteImportAnswer } from '../../workflows/remote-import';
import type { Authenticator } from './auth';
import { graphqlHandler } from './graphql';
import { jsonBody, params, rawBody, sendJson } from './wire';

/** What the API asks of Temporal: promotions, rechecks and vote notices (src/control). */
export interface DlrnControl {
  promote(req: PromoteRequest): Promise<PromoteAnswer>;
  recheck(trunk: string, packageName: string): Promise<RecheckAnswer>;
  /** remote/import: fetch the build at repoUrl and run the trunk's post-build on it. */
  remoteImport?(trunk: string, repoUrl: string): Promise<RemoteImportAnswer>;
  voteRecorded(vote: VoteRecorded): Promise<unknown>;
  /** The trunk workflow's queue, for /metrics; absent or failing: the gauges are left out. */
  trunkStatus?(trunk: string): Promise<{ queued: unknown[]; running: unknown[]; postBuildsPending: number }>;
  /** Durations of the trunk's build workflows completed in the last hour, for /metrics. */
  buildDurations?(trunk: string): Promise<number[]>;
}

/** Answers within `ms`, else undefined (also when it fails): /metrics must not hang on Temporal. */
function within<T>(ms: number, work: Promise<T>): Promise<T | undefined> {
  return Promise.race([work.catch(() => undefined), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref())]);
}

export interface DlrnApiDeps {
  pool: Pool;
  config: Config;
  trunk: TrunkConfig;
  auth: Authenticator;
  control?: DlrnControl;
  /** The trunk's public repos URL (DLRN's baseurl). */
  baseurl: string;
  /** The trunk's package names (graphql packageStatus); its built packages when absent. */
  packages?: (trunk: string) => Promise<string[]>;
}

/** DLRN's page size of the vote pages. */
const PAGE = 100;

/** The `(user)` of a request that passed authentication (null for anonymous reads). */
const USER = Symbol('dlrnUser');
type WithUser = FastifyRequest & { [USER]?: string | null };

function unauthorized(reply: FastifyReply): FastifyReply {
  return reply.status(401).header('WWW-Authenticate', 'Basic realm="Authentication Required"').type('application/json')
    .send('{"message":"Unauthorized Access"}\n');
}

/** Registers one trunk's API on an encapsulated instance (its prefix is the instance's). */
export function registerDlrnApi(app: FastifyInstance, deps: DlrnApiDeps): void {
  const { pool, trunk } = deps;
  const limit = deps.config.dlrnApi.bodyLimitBytes;
  const name = trunk.name;

  // Bodies stay raw until the route has checked credentials (DLRN: auth, then 415, then parsing).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));

  const authenticate = (write: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    if (!write && !deps.config.dlrnApi.protectReads) {
      (request as WithUser)[USER] = null;
      return;
    }
    const user = await deps.auth.authenticate(request.headers.authorization);
    if (!user) return unauthorized(reply);
    (request as WithUser)[USER] = user;
  };
  const jsonOnly = async (request: FastifyRequest) => {
    if (request.headers['content-type'] !== 'application/json') throw new DlrnApiError(415, 'Unsupported Media Type, use JSON');
  };
  const read = { preHandler: authenticate(false) };
  const write = { preHandler: authenticate(true) };
  const writeJson = { preHandler: [authenticate(true), jsonOnly] };
  const userOf = (request: FastifyRequest) => (request as WithUser)[USER] ?? null;
  const input = (request: FastifyRequest) => params(request, limit);
  const control = () => {
    if (!deps.control) throw new DlrnApiError(503, 'This API server is not connected to Temporal');
    return deps.control;
  };

  const health = async (_request: FastifyRequest, reply: FastifyReply) =>
    sendJson(reply, 200, { result: (await trunkHasCommits(pool, name)) ? 'ok' : 'ok, no commits in DB' });
  app.get('/api/health', read, health);
  app.post('/api/health', write, health);

  const findVote = async (p: LastTestedRepoInput) => {
    for (const search of voteSearchPlan(p, Date.now() / 1000)) {
      const found = await civotes.newestVote(pool, name, search);
      if (found) return found;
    }
    throw noVoteFound();
  };

  app.get('/api/last_tested_repo', read, async (request, reply) => {
    const { vote, commit } = await findVote(parseInput(LastTestedRepo, await input(request)));
    return sendJson(reply, 200, {
      commit_hash: commit.commitHash, distro_hash: commit.distroHash, extended_hash: commit.extendedHash, timestamp: vote.timestamp,
      job_id: vote.ciName, success: vote.ciVote, in_progress: vote.ciInProgress, user: vote.user, component: vote.component,
    });
  });

  app.post('/api/last_tested_repo', writeJson, async (request, reply) => {
    const p = parseInput(LastTestedRepoPost, await input(request));
    const { vote, commit } = await findVote(p);
    const added = await civotes.insertApiVote(pool, {
      commitId: commit.id, ciName: p.reporting_job_id, ciUrl: '', ciVote: false, ciInProgress: true,
      timestamp: Math.floor(Date.now() / 1000), notes: '', user: userOf(request), component: vote.component,
    });
    return sendJson(reply, 201, {
      commit_hash: commit.commitHash, distro_hash: commit.distroHash, extended_hash: commit.extendedHash, timestamp: added.timestamp,
      job_id: added.ciName, success: added.ciVote, in_progress: added.ciInProgress, user: added.user, component: added.component,
    });
  });

  app.post('/api/report_result', writeJson, async (request, reply) => {
    const p = parseInput(ReportResult, await input(request));
    const user = userOf(request);
    let extendedHash: string | null = null;
    let component: string | null = null;
    let hash: string;
    if (p.commit_hash) {
      const commit = await civotes.successCommit(pool, name, p.commit_hash, p.distro_hash!, p.extended_hash);
      if (!commit) throw new DlrnApiError(400, 'commit_hash+distro_hash+extended_hash combination not found');
      extendedHash = commit.extendedHash;
      component = commit.component;
      await civotes.insertApiVote(pool, {
        commitId: commit.id, ciName: p.job_id, ciUrl: p.url, ciVote: p.success, ciInProgress: false,
        timestamp: p.timestamp, notes: p.notes, user, component,
      });
      hash = repoHash(commit.commitHash, commit.distroHash);
    } else {
      const aggregate = p.aggregate_hash!;
      if (!(await aggregateHashKnown(pool, name, aggregate))) throw new DlrnApiError(400, 'aggregate_hash not found');
      await civotes.insertAggVote(pool, name, {
        refHash: aggregate, ciName: p.job_id, ciUrl: p.url, ciVote: p.success, ciInProgress: false, timestamp: p.timestamp, notes: p.notes, user,
      });
      hash = aggregate;
    }
    // Whatever waits on this hash hears of the vote now; the vote is recorded either way.
    deps.control?.voteRecorded({ trunk: name, hash, jobId: p.job_id, success: p.success, timestamp: p.timestamp, url: p.url })
      .catch((err: Error) => request.log.warn({ err }, 'could not signal the vote to a waiting workflow'));
    return sendJson(reply, 201, {
      commit_hash: p.commit_hash, distro_hash: p.distro_hash, extended_hash: extendedHash, aggregate_hash: p.aggregate_hash,
      timestamp: p.timestamp, job_id: p.job_id, success: p.success, in_progress: false, url: p.url, notes: p.notes, user, component,
    });
  });

  app.get('/api/repo_status', read, async (request, reply) => {
    const p = parseInput(RepoStatus, await input(request));
    const commit = await civotes.successCommit(pool, name, p.commit_hash, p.distro_hash, p.extended_hash);
    if (!commit) throw new DlrnApiError(400, 'commit_hash+distro_hash+extended_hash combination not found');
    const votes = await civotes.votesOfCommit(pool, commit.id, p.success);
    return sendJson(reply, 200, votes.map((v) => ({
      timestamp: v.timestamp, commit_hash: p.commit_hash, distro_hash: p.distro_hash, extended_hash: commit.extendedHash, job_id: v.ciName,
      success: Boolean(v.ciVote), in_progress: v.ciInProgress, url: v.ciUrl, notes: v.notes, user: v.user, component: v.component,
    })));
  });

  app.get('/api/agg_status', read, async (request, reply) => {
    const p = parseInput(AggStatus, await input(request));
    const votes = await civotes.aggVotes(pool, name, p.aggregate_hash, p.success);
    return sendJson(reply, 200, votes.map((v) => ({
      timestamp: v.timestamp, aggregate_hash: p.aggregate_hash, job_id: v.ciName, success: Boolean(v.ciVote), in_progress: v.ciInProgress,
      url: v.ciUrl, notes: v.notes, user: v.user,
    })));
  });

  app.get('/api/promotions', read, async (request, reply) => {
    const p = parseInput(Promotions, await input(request));
    let commitId: number | null = null;
    if (p.commit_hash && p.distro_hash) {
      const commit = await civotes.successCommit(pool, name, p.commit_hash, p.distro_hash, p.extended_hash);
      if (!commit) throw new DlrnApiError(400, 'commit_hash+distro_hash+extended_hash combination not found');
      commitId = commit.id;
    }
    const rows = await listPromotions(pool, name, { commitId, promoteName: p.promote_name, aggregateHash: p.aggregate_hash, component: p.component },
      p.offset ?? 0, promotionsLimit(p.limit, deps.config.dlrnApi.promotionsDefaultLimit, 100));
    return sendJson(reply, 200, rows.map((r) => ({
      timestamp: r.timestamp, commit_hash: r.commitHash, distro_hash: r.distroHash, extended_hash: r.extendedHash, aggregate_hash: r.aggregateHash,
      repo_hash: repoHash(r.commitHash, r.distroHash),
      repo_url: repoUrl(deps.baseurl, { commitHash: r.commitHash, distroHash: r.distroHash, extendedHash: r.extendedHash, component: r.commitComponent }),
      promote_name: r.promotionName, component: r.component, user: r.user,
    })));
  });

  app.get('/api/components', read, async (_request, reply) => sendJson(reply, 200, { components: await promotedComponents(pool, name) }));

  app.get('/api/metrics/builds', read, async (request, reply) => {
    const p = parseInput(Metrics, await input(request));
    const counts = await buildCountsBetween(pool, name, p.start_date, p.end_date, p.package_name);
    return sendJson(reply, 200, { succeeded: counts.succeeded, failed: counts.failed, total: counts.succeeded + counts.failed });
  });

  app.post('/api/recheck_package', write, async (request, reply) => {
    const p = parseInput(RecheckPackage, await input(request));
    const answer = await control().recheck(name, p.package_name);
    if (answer.rechecked) return sendJson(reply, 201, { result: 'ok' });
    // An unexpected row status is the data's problem, not a server fault.
    return sendJson(reply, answer.httpStatus >= 500 ? 409 : answer.httpStatus, { message: answer.explanation });
  });

  /** Runs the promotion workflow; past the configured wait the client gets a 504 (the promotion still completes). */
  const promote = async (reply: FastifyReply, req: PromoteRequest) => {
    const wait = deps.config.dlrnApi.promoteTimeoutSeconds;
    let timer: NodeJS.Timeout | undefined;
    const answer = await Promise.race([
      control().promote(req),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DlrnApiError(504, `The promotion did not finish within ${wait} s; GET /api/promotions shows it once done`)), wait * 1000);
      }),
    ]).finally(() => clearTimeout(timer));
    return answer.ok ? sendJson(reply, 201, answer.body, ['timestamp']) : sendJson(reply, answer.status, { message: answer.message });
  };

  app.post('/api/promote', writeJson, async (request, reply) => {
    const p = parseInput(Promote, await input(request));
    const commit = await civotes.successCommit(pool, name, p.commit_hash, p.distro_hash, p.extended_hash);
    if (!commit) throw new DlrnApiError(400, 'commit_hash+distro_hash+extended_hash combination not found');
    if (commit.flags & 2) throw new DlrnApiError(410, 'commit_hash+distro_hash+extended_hash has been purged, cannot promote it');
    checkPromoteName(p.promote_name);
    const items: PromoteItem[] = [{ commitId: commit.id, promoteName: p.promote_name }];
    return promote(reply, { trunk: name, items, user: userOf(request), batch: false });
  });

  app.post('/api/promote-batch', writeJson, async (request, reply) => {
    const batch = parsePromoteBatch(jsonBody(await rawBody(request, limit)) ?? null);
    const items: PromoteItem[] = [];
    for (const item of batch) {
      const triple = `${item.commit_hash}_${item.distro_hash}_${item.extended_hash ?? 'None'}`;
      const commit = await civotes.successCommit(pool, name, item.commit_hash, item.distro_hash, item.extended_hash);
      if (!commit) throw new DlrnApiError(400, `commit_hash+distro_hash+extended_hash combination not found for ${triple}`);
      if (commit.flags & 2) throw new DlrnApiError(410, `commit_hash+distro_hash+extended_hash ${triple} has been purged, cannot promote it`);
      checkPromoteName(item.promote_name);
      items.push({ commitId: commit.id, promoteName: item.promote_name });
    }
    return promote(reply, { trunk: name, items, user: userOf(request), batch: true });
  });

  app.post('/api/remote/import', writeJson, async (request, reply) => {
    const p = parseInput(RemoteImport, await input(request));
    const c = control();
    if (!c.remoteImport) throw new DlrnApiError(503, 'This API server cannot import remote builds');
    const answer = await c.remoteImport(name, p.repo_url);
    return answer.ok ? sendJson(reply, 201, { repo_url: p.repo_url }) : sendJson(reply, answer.status, { message: answer.message });
  });

  const html = (reply: FastifyReply, text: string) => reply.status(200).type('text/html; charset=utf-8').send(text);

  app.get('/api/civotes.html', read, async (request, reply) => {
    const offset = parseInput(CIVotes, await input(request)).offset ?? 0;
    const repos = await civotes.votesPageByCommit(pool, name, offset, PAGE);
    return html(reply, civotesHtml(trunk.target, repos, offset, PAGE, repos.reduce((n, r) => n + r.success + r.failure, 0)));
  });

  app.get('/api/civotes_detail.html', read, async (request, reply) => {
    const all = await input(request);
    const p = parseInput(CIVotesDetail, all);
    let commitId: number | null = null;
    if (p.commit_hash && p.distro_hash) commitId = (await civotes.successCommit(pool, name, p.commit_hash, p.distro_hash, null))?.id ?? -1;
    const votes = await civotes.voteDetails(pool, name, { commitId, ciName: p.ci_name, component: commitId === null ? p.component : null }, 0, PAGE);
    return html(reply, voteDetailHtml(trunk.target, 'CI Votes', votes));
  });

  app.get('/api/civotes_agg.html', read, async (request, reply) => {
    const offset = parseInput(CIVotes, await input(request)).offset ?? 0;
    const aggs = await civotes.aggVotesPage(pool, name, offset, PAGE);
    return html(reply, civotesAggHtml(trunk.target, aggs, offset, PAGE, aggs.reduce((n, a) => n + a.success + a.failure, 0)));
  });

  app.get('/api/civotes_agg_detail.html', read, async (request, reply) => {
    const p = parseInput(CIVotesAggDetail, await input(request));
    const votes = await civotes.aggVoteDetails(pool, name, { refHash: p.ref_hash, ciName: p.ci_name }, 0, PAGE);
    return html(reply, voteDetailHtml(trunk.target, 'CI Votes (aggregates)', votes));
  });

  app.get('/api/report.html', read, async (_request, reply) => {
    const rows = await recentCommits(pool, name, 300);
    return html(reply, reportHtml(rows, { reponame: 'Detailed build report', target: trunk.target, source: trunk.sourceBranch, packages: [] }));
  });

  const graphql = graphqlHandler({ pool, trunk: name, bodyLimit: limit, packages: deps.packages });
  app.get('/api/graphql', read, graphql);
  app.post('/api/graphql', read, graphql);

  // Prometheus: DLRN's counters (no auth, as DLRN) and the trunk's queue when the trunk workflow answers in time.
  // Build durations come from Temporal's visibility store: asked at most every 30 s.
  let durations: { at: number; value: Promise<number[] | undefined> } | undefined;
  app.get('/metrics', async (_request, reply) => {
    const builds = await buildCountsByStatus(pool, name);
    const c = deps.control;
    const status = c?.trunkStatus ? await within(1000, c.trunkStatus(name)) : undefined;
    const queue = status ? { queued: status.queued.length, running: status.running.length, postBuildsPending: status.postBuildsPending } : undefined;
    if (c?.buildDurations && (!durations || Date.now() - durations.at > 30_000)) durations = { at: Date.now(), value: within(2000, c.buildDurations(name)) };
    const buildDurations = await durations?.value;
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(prometheusText(trunkMetrics({ trunk: name, baseurl: deps.baseurl, builds, queue, buildDurations })));
  });
}
