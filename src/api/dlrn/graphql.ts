/**
 * /api/graphql of a trunk's DLRN API, as flask-graphql serves DLRN's schema:
 * GET with `query`/`variables` parameters, POST as JSON, application/graphql
 * or a form; `{"data": …, "errors": […]}` answers, 400 for documents that do
 * not parse or validate.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { buildSchema, execute, GraphQLError, Kind, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Pool } from 'pg';
import * as gql from '../../db/graphql';
import { DlrnApiError } from '../../domain/dlrn-api/errors';
import { checkAggArgs, DLRN_GRAPHQL_SCHEMA, globalId, graphqlPage, packageStatusLines, parseGlobalId } from '../../domain/dlrn-api/graphql';
import { isJson, jsonBody, rawBody, sendJson } from './wire';

let schema: GraphQLSchema | undefined;
const dlrnSchema = () => (schema ??= buildSchema(DLRN_GRAPHQL_SCHEMA));

/** At most this many fields at the top of one document (aliases included): each lists up to 100 rows. */
const MAX_ROOT_FIELDS = 20;

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

function asObject(typename: string, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { __typename: typename };
  for (const [k, v] of Object.entries(row)) if (k !== 'trunk') out[camel(k)] = v;
  out.commitId = row.commit_id;
  out.id = globalId(typename, row.id as number);
  return out;
}

export interface GraphqlDeps {
  pool: Pool;
  trunk: string;
  bodyLimit: number;
  /** The trunk's package list (packageStatus), when the server knows it. */
  packages?: (trunk: string) => Promise<string[]>;
}

export function graphqlHandler(deps: GraphqlDeps) {
  const { pool, trunk } = deps;
  const commitObject = (row: Record<string, unknown>) => asObject('Commit', row);
  const voteObject = (row: Record<string, unknown>) => ({
    ...asObject('CIVote', row),
    commit: async () => (await gql.graphqlCommits(pool, trunk, { id: row.commit_id as number }, 0, 1)).map(commitObject)[0] ?? null,
  });
  const aggObject = (row: Record<string, unknown>) => asObject('CIVoteAgg', row);
  const root = {
    node: async ({ id }: { id: string }) => {
      const g = parseGlobalId(id);
      if (!g) return null;
      if (g.type === 'Commit') return (await gql.graphqlCommits(pool, trunk, { id: g.id }, 0, 1)).map(commitObject)[0] ?? null;
      if (g.type === 'CIVote') return (await gql.graphqlVotes(pool, trunk, { id: g.id }, 0, 1)).map(voteObject)[0] ?? null;
      return (await gql.graphqlAggVotes(pool, trunk, { id: g.id }, 0, 1)).map(aggObject)[0] ?? null;
    },
    commits: async (args: gql.CommitFilter & { offset?: number; limit?: number }) => {
      const page = graphqlPage(args);
      return (await gql.graphqlCommits(pool, trunk, args, page.offset, page.limit)).map(commitObject);
    },
    civote: async (args: gql.VoteFilter & { offset?: number; limit?: number; where?: { timestamp?: gql.IntFilter } }) => {
      const page = graphqlPage(args);
      return (await gql.graphqlVotes(pool, trunk, { ...args, where: args.where?.timestamp }, page.offset, page.limit)).map(voteObject);
    },
    civoteAgg: async (args: gql.AggVoteFilter & { offset?: number; limit?: number; where?: { timestamp?: gql.IntFilter } }) => {
      checkAggArgs(args);
      const page = graphqlPage(args);
      return (await gql.graphqlAggVotes(pool, trunk, { ...args, where: args.where?.timestamp }, page.offset, page.limit)).map(aggObject);
    },
    packageStatus: async (args: { projectName?: string | null; status?: string | null }) => {
      const names = args.projectName ? [args.projectName] : deps.packages ? await deps.packages(trunk) : await gql.builtPackages(pool, trunk);
      return packageStatusLines(names, await gql.latestBuildsOf(pool, trunk, names), args.status ?? null);
    },
  };

  const errorsOf = (errors: readonly GraphQLError[]) => errors.map((e) => ({
    message: e.message, ...(e.locations ? { locations: e.locations } : {}), ...(e.path ? { path: e.path } : {}),
  }));

  return async (request: FastifyRequest, reply: FastifyReply) => {
    const q = request.url.indexOf('?');
    const query = Object.fromEntries(new URLSearchParams(q >= 0 ? request.url.slice(q + 1) : ''));
    let params: Record<string, unknown> = { ...query };
    const raw = await rawBody(request, deps.bodyLimit);
    const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    // A body counts on GET too, as flask-graphql reads it (dlrnapi-style clients send GET with a JSON body).
    if (raw.length > 0) {
      if (isJson(request)) {
        const body = jsonBody(raw);
        if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) throw new DlrnApiError(400, 'POST body sent invalid JSON.');
        params = { ...params, ...(body as Record<string, unknown> | undefined) };
      } else if (type === 'application/graphql') {
        params.query = raw.toString('utf8');
      } else if (type === 'application/x-www-form-urlencoded') {
        params = { ...Object.fromEntries(new URLSearchParams(raw.toString('utf8'))), ...params };
      }
    }
    if (typeof params.query !== 'string' || params.query.trim() === '') return sendJson(reply, 400, { errors: [{ message: 'Must provide query string.' }] });
    let variables = params.variables;
    if (typeof variables === 'string') {
      try {
        variables = variables.trim() ? JSON.parse(variables) : undefined;
      } catch {
        return sendJson(reply, 400, { errors: [{ message: 'Variables are invalid JSON.' }] });
      }
    }
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
      return sendJson(reply, 400, { errors: [{ message: 'Variables are invalid JSON.' }] });
    }
    let document: DocumentNode;
    try {
      document = parse(params.query, { maxTokens: 5000 });
    } catch (err) {
      return sendJson(reply, 400, { errors: errorsOf([err as GraphQLError]) });
    }
    const problems = validate(dlrnSchema(), document);
    if (problems.length) return sendJson(reply, 400, { errors: errorsOf(problems) });
    const rootFields = document.definitions.reduce((n, d) => n + (d.kind === Kind.OPERATION_DEFINITION ? d.selectionSet.selections.length : 0), 0);
    if (rootFields > MAX_ROOT_FIELDS) return sendJson(reply, 400, { errors: [{ message: `A query may ask for at most ${MAX_ROOT_FIELDS} fields at its top level` }] });
    const operationName = typeof params.operationName === 'string' && params.operationName ? params.operationName : undefined;
    const result = await execute({ schema: dlrnSchema(), document, rootValue: root, variableValues: variables as Record<string, unknown> | undefined, operationName });
    // Resolver faults other than DLRN's own refusals are server errors: logged, not shown.
    const errors = result.errors?.map((e) => {
      if (e.originalError && !(e.originalError instanceof DlrnApiError) && !(e.originalError instanceof GraphQLError)) {
        request.log.error(e.originalError);
        return new GraphQLError('Internal server error', { path: e.path });
      }
      return e;
    });
    const status = result.data ? 200 : 400;
    return sendJson(reply, status, { ...(errors?.length ? { errors: errorsOf(errors) } : {}), data: result.data ?? null });
  };
}
