/**
 * A Gerrit REST double on loopback. It implements only the endpoints the FTBFS
 * review needs and checks every request against Gerrit's documented API
 * (Documentation/rest-api-{changes,projects}.txt): `/a/` prefix with basic
 * auth, URL-encoded ids in single path segments, JSON bodies with the
 * documented fields. Anything else is answered 4xx and recorded in
 * `violations`, so a test can assert the client spoke proper Gerrit.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Raw (still URL-encoded) path, without the query. */
  path: string;
  contentType: string;
  body: string;
  status: number;
}

export interface DoubleChange {
  /** ChangeInfo.id as answered: `<project>~<branch>~<Change-Id>`, URL-encoded parts. */
  id: string;
  changeId: string;
  number: number;
  project: string;
  branch: string;
  /** Commit message (comment lines stripped, as Gerrit does). */
  message: string;
  topic: string;
  /** Files of the current patch set (starts as the branch's files). */
  files: Record<string, string>;
  patchSets: number;
  /** Pending change edit, or null. */
  edit: Record<string, string> | null;
  reviewers: string[];
}

export interface GerritDoubleOptions {
  username?: string;
  password?: string;
  /** Content of branches: files[project][branch][path]. */
  files?: Record<string, Record<string, Record<string, string>>>;
  /** Behave like servers that ignore ChangeInput.topic (the client must then PUT the topic). */
  ignoreTopicOnCreate?: boolean;
}

export interface GerritDouble {
  url: string;
  username: string;
  password: string;
  requests: RecordedRequest[];
  violations: string[];
  changes: DoubleChange[];
  /** Answer the next request matching method + path (raw) with this status. */
  failNext(method: string, path: RegExp, status: number, body?: string): void;
  stop(): Promise<void>;
}

class Reply {
  constructor(
    readonly status: number,
    readonly body: string = '',
    readonly headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=UTF-8' },
  ) {}
}

const json = (status: number, value: unknown) =>
  new Reply(status, `)]}'\n${JSON.stringify(value)}\n`, {
    'Content-Type': 'application/json; charset=UTF-8',
    'Content-Disposition': 'attachment',
  });

const NOTIFY = ['NONE', 'OWNER', 'OWNER_REVIEWERS', 'ALL'];
type Check = (value: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const isNonEmpty: Check = (v) => typeof v === 'string' && v.trim() !== '';
const oneOf = (...values: string[]): Check => (v) => typeof v === 'string' && values.includes(v);
const isBool: Check = (v) => typeof v === 'boolean';
const isObject: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Documented input entities: field -> [required, check]. */
const ENTITIES: Record<string, Record<string, [boolean, Check]>> = {
  ChangeInput: {
    project: [true, isNonEmpty], branch: [true, isNonEmpty], subject: [true, isNonEmpty], topic: [false, isString],
    status: [false, oneOf('NEW', 'DRAFT')], is_private: [false, isBool], work_in_progress: [false, isBool],
    base_change: [false, isString], base_commit: [false, isString], new_branch: [false, isBool], merge: [false, isObject],
    author: [false, isObject], notify: [false, oneOf(...NOTIFY)], notify_details: [false, isObject],
  },
  TopicInput: { topic: [false, isString] },
  FileContentInput: { binary_content: [true, (v) => typeof v === 'string' && /^data:[^;,]*;base64,/.test(v)], file_mode: [false, (v) => typeof v === 'number'] },
  PublishChangeEditInput: { notify: [false, oneOf(...NOTIFY)], notify_details: [false, isObject] },
  ReviewerInput: {
    reviewer: [true, isNonEmpty], state: [false, oneOf('REVIEWER', 'CC', 'REMOVED')], confirmed: [false, isBool],
    notify: [false, oneOf(...NOTIFY)], notify_details: [false, isObject],
  },
};

export async function startGerritDouble(opts: GerritDoubleOptions = {}): Promise<GerritDouble> {
  const username = opts.username ?? 'trunkflow';
  const password = opts.password ?? 'secret-http-password';
  const files = structuredClone(opts.files ?? {});
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const changes: DoubleChange[] = [];
  const failures: { method: string; path: RegExp; status: number; body: string }[] = [];
  const accounts = new Map<string, number>();

  /** A request the documented API does not allow: recorded, then answered with `status`. */
  const violation = (what: string, status: number, message: string): Reply => {
    violations.push(`${what}: ${message}`);
    return new Reply(status, `${message}\n`);
  };

  /** Parses and validates a JSON body against a documented entity; a Reply on failure. */
  function entity(req: http.IncomingMessage, body: string, name: string, what: string): Record<string, unknown> | Reply {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return violation(what, 415, `${name} must be sent as application/json, got ${req.headers['content-type'] ?? 'no Content-Type'}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return violation(what, 400, `body is not JSON`);
    }
    if (!isObject(value)) return violation(what, 400, `${name} must be a JSON object`);
    const fields = ENTITIES[name];
    const input = value as Record<string, unknown>;
    for (const key of Object.keys(input)) if (!fields[key]) return violation(what, 400, `${name} has no field "${key}"`);
    for (const [key, [required, check]] of Object.entries(fields)) {
      if (input[key] === undefined) {
        if (required) return violation(what, 400, `${name}.${key} is required`);
      } else if (!check(input[key])) return violation(what, 400, `${name}.${key} has an invalid value ${JSON.stringify(input[key])}`);
    }
    return input;
  }

  const findChange = (id: string) =>
    changes.find((c) => [`${c.project}~${c.branch}~${c.changeId}`, `${c.project}~${c.number}`, String(c.number), c.changeId].includes(id));

  const branchName = (b: string) => b.replace(/^refs\/heads\//, '');

  function route(req: http.IncomingMessage, rawPath: string, body: string): Reply {
    const method = req.method ?? 'GET';
    const what = `${method} ${rawPath}`;
    if (!rawPath.startsWith('/a/')) return violation(what, 404, 'authenticated REST calls must be under /a/');
    const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      return violation(what, 401, req.headers.authorization ? 'wrong credentials' : 'no HTTP basic credentials on /a/');
    }
    let segs: string[];
    try {
      segs = rawPath.slice(3).split('/').map(decodeURIComponent);
    } catch {
      return violation(what, 400, 'malformed URL encoding');
    }
    const allow = (m: string) => (method === m ? null : violation(what, 405, `only ${m} is documented here`));

    // GET /projects/{project-name}/branches/{branch-id}/files/{file-id}/content
    if (segs.length === 7 && segs[0] === 'projects' && segs[2] === 'branches' && segs[4] === 'files' && segs[6] === 'content') {
      const bad = allow('GET');
      if (bad) return bad;
      const content = files[segs[1]]?.[branchName(segs[3])]?.[segs[5]];
      if (content === undefined) return new Reply(404, 'Not found\n');
      return new Reply(200, Buffer.from(content).toString('base64'), {
        'Content-Type': 'text/plain; charset=ISO-8859-1',
        'Content-Disposition': 'attachment',
        'X-FYI-Content-Encoding': 'base64',
        'X-FYI-Content-Type': 'text/plain',
      });
    }

    // POST /changes/  (Create Change)
    if (segs[0] === 'changes' && (segs.length === 1 || (segs.length === 2 && segs[1] === ''))) {
      const bad = allow('POST');
      if (bad) return bad;
      const input = entity(req, body, 'ChangeInput', what);
      if (input instanceof Reply) return input;
      const project = input.project as string;
      const branch = branchName(input.branch as string);
      if (!files[project]) return new Reply(404, `Project Not Found: ${project}\n`);
      if (!files[project][branch]) return new Reply(400, `Destination branch "refs/heads/${branch}" not found.\n`);
      const message = (input.subject as string).split('\n').filter((l) => !l.startsWith('#')).join('\n');
      const changeId = /^Change-Id: (I[0-9a-f]{40})$/m.exec(message)?.[1] ?? `I${randomBytes(20).toString('hex')}`;
      const change: DoubleChange = {
        id: `${encodeURIComponent(project)}~${encodeURIComponent(branch)}~${changeId}`,
        changeId,
        number: 4711 + changes.length,
        project,
        branch,
        message,
        topic: opts.ignoreTopicOnCreate ? '' : ((input.topic as string | undefined) ?? ''),
        files: { ...files[project][branch] },
        patchSets: 1,
        edit: null,
        reviewers: [],
      };
      changes.push(change);
      const now = new Date().toISOString().replace('T', ' ').replace('Z', '000000');
      return json(201, {
        id: change.id, project, branch, ...(change.topic ? { topic: change.topic } : {}), change_id: changeId,
        subject: message.split('\n')[0], status: 'NEW', created: now, updated: now, mergeable: true,
        insertions: 0, deletions: 0, _number: change.number, owner: { _account_id: 1000000, name: username },
      });
    }

    if (segs[0] !== 'changes' || segs.length < 3) return violation(what, 404, 'undocumented endpoint');
    const change = findChange(segs[1]);
    if (!change) return violation(what, 404, `no change ${segs[1]} (ids must be URL-encoded exactly once)`);

    // PUT /changes/{change-id}/topic
    if (segs.length === 3 && segs[2] === 'topic') {
      const bad = allow('PUT');
      if (bad) return bad;
      const input = entity(req, body, 'TopicInput', what);
      if (input instanceof Reply) return input;
      change.topic = (input.topic as string | undefined) ?? '';
      return change.topic ? json(200, change.topic) : new Reply(204);
    }

    // PUT /changes/{change-id}/edit/{path}: raw body, or FileContentInput as JSON.
    if (segs.length === 4 && segs[2] === 'edit') {
      const bad = allow('PUT');
      if (bad) return bad;
      let content = body;
      if (/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        const input = entity(req, body, 'FileContentInput', what);
        if (input instanceof Reply) return input;
        content = Buffer.from((input.binary_content as string).replace(/^data:[^,]*,/, ''), 'base64').toString('utf8');
      }
      const edit = change.edit ?? { ...change.files };
      if (edit[segs[3]] === content) return new Reply(409, 'no changes were made\n');
      edit[segs[3]] = content;
      change.edit = edit;
      return new Reply(204);
    }

    // POST /changes/{change-id}/edit:publish
    if (segs.length === 3 && segs[2] === 'edit:publish') {
      const bad = allow('POST');
      if (bad) return bad;
      if (body.trim()) {
        const input = entity(req, body, 'PublishChangeEditInput', what);
        if (input instanceof Reply) return input;
      }
      if (!change.edit) return new Reply(409, `no edit exists for change ${change.number}\n`);
      change.files = change.edit;
      change.edit = null;
      change.patchSets += 1;
      return new Reply(204);
    }

    // POST /changes/{change-id}/reviewers
    if (segs.length === 3 && segs[2] === 'reviewers') {
      const bad = allow('POST');
      if (bad) return bad;
      const input = entity(req, body, 'ReviewerInput', what);
      if (input instanceof Reply) return input;
      const reviewer = input.reviewer as string;
      if (!accounts.has(reviewer)) accounts.set(reviewer, 1000001 + accounts.size);
      if (!change.reviewers.includes(reviewer)) change.reviewers.push(reviewer);
      return json(200, {
        input: reviewer,
        reviewers: [{ _account_id: accounts.get(reviewer), name: reviewer.split('@')[0], email: reviewer, approvals: { 'Code-Review': ' 0' } }],
      });
    }

    return violation(what, 404, 'undocumented endpoint');
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const rawPath = (req.url ?? '/').split('?')[0];
      const method = req.method ?? 'GET';
      const injected = failures.findIndex((f) => f.method === method && f.path.test(rawPath));
      let reply: Reply;
      if (injected >= 0) {
        const [f] = failures.splice(injected, 1);
        reply = new Reply(f.status, `${f.body}\n`);
      } else {
        reply = route(req, rawPath, body);
      }
      requests.push({ method, path: rawPath, contentType: req.headers['content-type'] ?? '', body, status: reply.status });
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    username,
    password,
    requests,
    violations,
    changes,
    failNext(method, path, status, body = 'injected failure') {
      failures.push({ method, path, status, body });
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // fetch keeps connections alive; close them so close() returns.
        server.closeAllConnections();
      }),
  };
}
