/**
 * The DLRN API's wire format: request parameters read as Flask and
 * flask_container_scaffold read them (JSON body, query string, form), raw
 * bodies on GET too, and JSON answers as Flask's jsonify writes them
 * (sorted keys, non-ASCII escaped).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DlrnApiError } from '../../domain/dlrn-api/errors';
import { requestParams } from '../../domain/dlrn-api/inputs';

/** The body as bytes: parsed by the catch-all content-type parser, or read here (fastify leaves GET bodies unread). */
export async function rawBody(request: FastifyRequest, limit: number): Promise<Buffer> {
  if (Buffer.isBuffer(request.body)) return request.body;
  if (request.method !== 'GET' && request.method !== 'HEAD') return Buffer.alloc(0);
  const declared = Number(request.headers['content-length'] ?? 0);
  if (!request.headers['transfer-encoding'] && !(declared > 0)) return Buffer.alloc(0);
  if (declared > limit) throw new DlrnApiError(413, `Request body is too large (over ${limit} bytes)`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new DlrnApiError(413, `Request body is too large (over ${limit} bytes)`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function mimetype(request: FastifyRequest): string {
  return String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** Flask's request.is_json. */
export function isJson(request: FastifyRequest): boolean {
  const m = mimetype(request);
  return m === 'application/json' || (m.startsWith('application/') && m.endsWith('+json'));
}

/** The JSON body: undefined when empty; 400 with the parser's reason when it is not JSON. */
export function jsonBody(raw: Buffer): unknown {
  const text = raw.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DlrnApiError(400, `Failed to decode JSON object: ${(err as Error).message}`);
  }
}

/** The first value of each query-string key (werkzeug's args.to_dict()). */
function firstValues(search: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(search)) if (!(k in out)) out[k] = v;
  return out;
}

/** Every parameter of a request, as DLRN's parse_input gathers them. */
export async function params(request: FastifyRequest, limit: number): Promise<Record<string, unknown>> {
  const raw = await rawBody(request, limit);
  const q = request.url.indexOf('?');
  const query = q >= 0 ? firstValues(request.url.slice(q + 1)) : {};
  const json = isJson(request);
  const form = !json && mimetype(request) === 'application/x-www-form-urlencoded' ? firstValues(raw.toString('utf8')) : {};
  return requestParams({ isJson: json, query, body: json ? jsonBody(raw) : undefined, form });
}

/** JSON as Flask's jsonify writes it: keys sorted at every level, non-ASCII as \uXXXX. */
export function flaskJson(value: unknown, floatKeys: readonly string[] = []): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    return v;
  };
  let text = JSON.stringify(sort(value)).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  // Python floats keep their ".0" (DLRN's promote timestamp is a float).
  for (const key of floatKeys) text = text.replace(new RegExp(`"${key}":(-?\\d+)(?=[,}])`, 'g'), `"${key}":$1.0`);
  return `${text}\n`;
}

export function sendJson(reply: FastifyReply, status: number, value: unknown, floatKeys: readonly string[] = []): FastifyReply {
  return reply.status(status).type('application/json').send(flaskJson(value, floatKeys));
}
