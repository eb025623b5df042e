/**
 * FTBFS reviews through Gerrit's REST API instead of DLRN's `git review` +
 * `ssh gerrit set-reviewers`: create change, edit the spec, publish, add reviewers.
 */
import { appendRemoveMe, DEFAULT_FTBFS_TOPIC, ftbfsCommitMessage } from '../../domain/notifications';
import type { FileEditRequest, FtbfsReviewRequest, ReviewDriver } from './driver';

export interface GerritConfig {
  /** Base URL of the Gerrit site, e.g. `https://review.rdoproject.org/r`. */
  url: string;
  username: string;
  /** HTTP password (Gerrit "HTTP credentials"), sent with basic auth on `/a/`. */
  password: string;
  timeoutMs?: number;
}

export class GerritError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`Gerrit ${method} ${path} failed with HTTP ${status}${body ? `: ${body.trim().slice(0, 300)}` : ''}`);
    this.name = 'GerritError';
  }
}

/** Gerrit prefixes JSON with `)]}'` against XSSI; strip that line before parsing. */
export function parseGerritJson(text: string): unknown {
  return JSON.parse(text.startsWith(")]}'") ? text.slice(text.indexOf('\n') + 1) : text);
}

const enc = encodeURIComponent;

/** ChangeInfo.id is documented as already URL-encoded; normalise it so a raw `/` can never slip into a path. */
function changePathId(id: string): string {
  return id
    .split('~')
    .map((part) => enc(decodeURIComponent(part)))
    .join('~');
}

interface ChangeInfo {
  id: string;
  project: string;
  _number: number;
  topic?: string;
}

interface AddReviewerResult {
  input?: string;
  error?: string;
}

export function createGerritDriver(cfg: GerritConfig): ReviewDriver {
  const base = cfg.url.replace(/\/+$/, '');
  const auth = `Basic ${Buffer.from(`${cfg.username}:${cfg.password}`).toString('base64')}`;

  async function call(method: string, path: string, body?: { json: unknown } | { raw: string }): Promise<string> {
    const headers: Record<string, string> = { Authorization: auth, Accept: 'application/json' };
    let payload: string | undefined;
    if (body && 'json' in body) {
      headers['Content-Type'] = 'application/json; charset=UTF-8';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['Content-Type'] = 'application/octet-stream';
      payload = body.raw;
    }
    const res = await fetch(base + path, {
      method,
      headers,
      body: payload,
      signal: AbortSignal.timeout(cfg.timeoutMs ?? 30_000),
    }).catch((err: unknown) => {
      throw new Error(`Gerrit ${method} ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    const text = await res.text();
    if (!res.ok) throw new GerritError(method, path, res.status, text);
    return text;
  }

  return {
    name: 'gerrit',
    async openFtbfsReview(req: FtbfsReviewRequest) {
      const topic = req.topic ?? DEFAULT_FTBFS_TOPIC;
      const specB64 = await call('GET', `/a/projects/${enc(req.project)}/branches/${enc(req.branch)}/files/${enc(req.specPath)}/content`);
      const spec = Buffer.from(specB64.trim(), 'base64').toString('utf8');

      // ChangeInput.subject is the whole commit message.
      const created = parseGerritJson(
        await call('POST', '/a/changes/', {
          json: { project: req.project, branch: req.branch, subject: ftbfsCommitMessage(req), topic, status: 'NEW' },
        }),
      ) as ChangeInfo;
      const id = changePathId(created.id);
      // Older servers ignore ChangeInput.topic; set it explicitly then.
      if (created.topic !== topic) await call('PUT', `/a/changes/${id}/topic`, { json: { topic } });

      await call('PUT', `/a/changes/${id}/edit/${enc(req.specPath)}`, { raw: appendRemoveMe(spec, req.commitUrl) });
      await call('POST', `/a/changes/${id}/edit:publish`, { json: { notify: 'NONE' } });

      // Reviewers are added last, so they are notified of a change that already has the edit.
      for (const reviewer of req.reviewers) {
        const path = `/a/changes/${id}/reviewers`;
        const result = parseGerritJson(await call('POST', path, { json: { reviewer } })) as AddReviewerResult;
        if (result.error) throw new Error(`Gerrit POST ${path} did not add reviewer ${reviewer}: ${result.error}`);
      }
      return { id: created.id, url: `${base}/c/${created.project ?? req.project}/+/${created._number}` };
    },
    async proposeFileEdit(req: FileEditRequest) {
      const current = Buffer.from((await call('GET', `/a/projects/${enc(req.project)}/branches/${enc(req.branch)}/files/${enc(req.path)}/content`)).trim(), 'base64').toString('utf8');
      const next = req.edit(current);
      if (next === null || next === current) return null;
      const created = parseGerritJson(
        await call('POST', '/a/changes/', { json: { project: req.project, branch: req.branch, subject: req.message, topic: req.topic, status: 'NEW' } }),
      ) as ChangeInfo;
      const id = changePathId(created.id);
      if (created.topic !== req.topic) await call('PUT', `/a/changes/${id}/topic`, { json: { topic: req.topic } });
      await call('PUT', `/a/changes/${id}/edit/${enc(req.path)}`, { raw: next });
      await call('POST', `/a/changes/${id}/edit:publish`, { json: { notify: 'NONE' } });
      return { id: created.id, url: `${base}/c/${created.project ?? req.project}/+/${created._number}` };
    },
  };
}
