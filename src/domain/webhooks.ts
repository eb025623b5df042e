/**
 * Push notifications from code hosts, reduced to what discovery needs: which
 * repository moved, and on which branch. Pure parsing and matching.
 */

export interface RepoPush {
  source: 'gerrit' | 'github';
  /** Project path as the host names it, e.g. `openstack/nova`. */
  project: string;
  /** Clone URLs the host gives, when it gives any. */
  urls: string[];
  branch: string | null;
  /** The tag a push created or moved (`refs/tags/<tag>`), else null. */
  tag?: string | null;
  newRev: string | null;
}

export class WebhookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookError';
  }
}

function obj(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new WebhookError(`${field}: expected an object`);
  return value as Record<string, unknown>;
}

function str(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new WebhookError(`${field}: expected a non-empty string`);
  return value;
}

const tagOf = (ref: string) => (ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : null);
const branchOf = (ref: string) => (ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref.startsWith('refs/') ? null : ref);

/** Gerrit's `ref-updated` stream event (as webhooks and the events plugin send it). */
export function parseGerritRefUpdated(body: unknown): RepoPush {
  const event = obj(body, 'body');
  if (event.type !== 'ref-updated') throw new WebhookError(`type: expected "ref-updated", got ${JSON.stringify(event.type)}`);
  const update = obj(event.refUpdate, 'refUpdate');
  return {
    source: 'gerrit',
    project: str(update.project, 'refUpdate.project'),
    urls: [],
    branch: branchOf(str(update.refName, 'refUpdate.refName')),
    tag: tagOf(String(update.refName)),
    newRev: typeof update.newRev === 'string' ? update.newRev : null,
  };
}

/**
 * Gerrit's `change-merged` event: the change's project and branch, and
 * `newRev`, the commit the merge put on the branch (the release request's merge commit).
 */
export function parseGerritChangeMerged(body: unknown): RepoPush {
  const event = obj(body, 'body');
  if (event.type !== 'change-merged') throw new WebhookError(`type: expected "change-merged", got ${JSON.stringify(event.type)}`);
  const change = obj(event.change, 'change');
  const patchSet = event.patchSet === undefined ? {} : obj(event.patchSet, 'patchSet');
  const newRev = typeof event.newRev === 'string' ? event.newRev : typeof patchSet.revision === 'string' ? patchSet.revision : null;
  return { source: 'gerrit', project: str(change.project, 'change.project'), urls: [], branch: str(change.branch, 'change.branch'), newRev };
}

/** A Gerrit stream event: `ref-updated` or `change-merged`. */
export function parseGerritEvent(body: unknown): RepoPush {
  return obj(body, 'body').type === 'change-merged' ? parseGerritChangeMerged(body) : parseGerritRefUpdated(body);
}

/** GitHub's `push` event. */
export function parseGithubPush(body: unknown): RepoPush {
  const event = obj(body, 'body');
  const repo = obj(event.repository, 'repository');
  const urls = ['clone_url', 'html_url', 'git_url', 'ssh_url', 'url'].map((k) => repo[k]).filter((u): u is string => typeof u === 'string');
  return {
    source: 'github',
    project: str(repo.full_name, 'repository.full_name'),
    urls,
    branch: branchOf(str(event.ref, 'ref')),
    tag: tagOf(String(event.ref)),
    newRev: typeof event.after === 'string' ? event.after : null,
  };
}

/** A repository URL reduced for comparison: no scheme, credentials, trailing slash or `.git`. */
export function normalizeRepoUrl(url: string): string {
  return url
    .trim()
    .replace(/^[a-z+]+:\/\/(?:[^@/]+@)?/i, '')
    .replace(/^[^@/]+@([^:/]+):/, '$1/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .toLowerCase();
}

/** The packages whose upstream or distgit the push touched. */
export function packagesForPush<P extends { name: string; upstream: string; distgit: string }>(push: RepoPush, packages: readonly P[]): P[] {
  const wanted = new Set(push.urls.map(normalizeRepoUrl));
  const project = push.project.replace(/\.git$/, '').toLowerCase();
  const touches = (url: string) => {
    const n = normalizeRepoUrl(url);
    return wanted.has(n) || n === project || n.endsWith(`/${project}`);
  };
  return packages.filter((p) => touches(p.upstream) || touches(p.distgit));
}

/**
 * Checks GitHub's `X-Hub-Signature-256: sha256=<hex>` header against the HMAC
 * of the raw body, in constant time. The HMAC is computed by the caller (the
 * domain has no crypto); returns why it fails, or null when it matches.
 */
export function githubSignatureProblem(header: string | undefined, expectedHex: string): string | null {
  if (!header) return 'X-Hub-Signature-256: missing (a webhook secret is configured)';
  const match = /^sha256=([0-9a-f]{64})$/.exec(header.trim());
  if (!match) return 'X-Hub-Signature-256: expected sha256=<64 hex digits>';
  let diff = 0;
  for (let i = 0; i < 64; i++) diff |= match[1].charCodeAt(i) ^ expectedHex.charCodeAt(i);
  return diff === 0 ? null : 'X-Hub-Signature-256: signature does not match the payload';
}
