import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FtbfsReviewRequest } from '../../src/activities/review/driver';
import { createReviewDriver } from '../../src/activities/review/select';
import { GerritError } from '../../src/activities/review/gerrit';
import { startGerritDouble, type GerritDouble } from '../support/gerrit-double';

const SPEC = 'Name: openstack-nova\nVersion: XXX\n\n%changelog\n';
const PROJECT = 'openstack/nova-distgit';

const request: FtbfsReviewRequest = {
  packageName: 'openstack-nova',
  project: PROJECT,
  branch: 'rpm-master',
  specPath: 'openstack-nova.spec',
  commitHash: '1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c',
  distroHash: 'abcdef0123456789abcdef0123456789abcdef01',
  reviewers: ['alice@example.org', 'bob@example.org'],
  commitUrl: 'https://opendev.org/openstack/nova/commit/1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c',
  logUrl: 'https://trunk.example.org/repos/1f/2e/1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c_abcdef01',
};
// submit_review.sh's pseudo-modification and subject.
const REMOVEME = `# REMOVEME: error caused by commit ${request.commitUrl}`;
const SUBJECT = 'openstack-nova: failed to build 1f2e3d4';

describe('gerrit review driver against the Gerrit REST double', () => {
  let gerrit: GerritDouble;
  beforeEach(async () => {
    gerrit = await startGerritDouble({ files: { [PROJECT]: { 'rpm-master': { 'openstack-nova.spec': SPEC } } } });
  });
  afterEach(async () => {
    await gerrit.stop();
  });
  const driver = () => createReviewDriver({ kind: 'gerrit', url: `${gerrit.url}/`, username: gerrit.username, password: gerrit.password });

  it('creates a change with topic rdo-FTBFS, publishes the REMOVEME edit and adds every maintainer', async () => {
    const review = await driver().openFtbfsReview(request);

    expect(gerrit.violations).toEqual([]);
    expect(gerrit.changes).toHaveLength(1);
    const [change] = gerrit.changes;
    expect(review).toEqual({ id: change.id, url: `${gerrit.url}/c/${PROJECT}/+/${change.number}` });
    expect(change.project).toBe(PROJECT);
    expect(change.branch).toBe('rpm-master');
    expect(change.topic).toBe('rdo-FTBFS');
    expect(change.message.split('\n')[0]).toBe(SUBJECT);
    expect(change.edit).toBeNull();
    expect(change.patchSets).toBe(2);
    expect(change.files['openstack-nova.spec']).toBe(`${SPEC}${REMOVEME}\n`);
    expect(change.reviewers).toEqual(['alice@example.org', 'bob@example.org']);
    // The documented sequence, with the project and spec path URL-encoded into one segment each.
    const id = encodeURIComponent(`${PROJECT}~rpm-master~${change.changeId}`).replace(/%7E/gi, '~');
    expect(gerrit.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /a/projects/openstack%2Fnova-distgit/branches/rpm-master/files/openstack-nova.spec/content 200',
      'POST /a/changes/ 201',
      `PUT /a/changes/${id}/edit/openstack-nova.spec 204`,
      `POST /a/changes/${id}/edit:publish 204`,
      `POST /a/changes/${id}/reviewers 200`,
      `POST /a/changes/${id}/reviewers 200`,
    ]);
  });

  it('sets the topic explicitly when the server ignored it on create, and encodes nested spec paths', async () => {
    await gerrit.stop();
    gerrit = await startGerritDouble({ ignoreTopicOnCreate: true, files: { [PROJECT]: { 'rpm-master': { 'rpm/nova.spec': SPEC } } } });
    await driver().openFtbfsReview({ ...request, specPath: 'rpm/nova.spec', topic: 'custom-topic', reviewers: ['carol@example.org'] });

    expect(gerrit.violations).toEqual([]);
    const [change] = gerrit.changes;
    expect(change.topic).toBe('custom-topic');
    expect(change.files['rpm/nova.spec'].endsWith(`${REMOVEME}\n`)).toBe(true);
    expect(gerrit.requests.some((r) => r.method === 'PUT' && r.path.endsWith('/topic'))).toBe(true);
    expect(gerrit.requests.some((r) => r.path.endsWith('/edit/rpm%2Fnova.spec'))).toBe(true);
  });

  it.each([
    { method: 'POST', pathRe: /^\/a\/changes\/$/, status: 409, named: 'POST /a/changes/' },
    { method: 'POST', pathRe: /\/reviewers$/, status: 500, named: 'POST /a/changes/openstack%2Fnova-distgit~rpm-master~I' },
    { method: 'PUT', pathRe: /\/edit\//, status: 409, named: 'PUT /a/changes/openstack%2Fnova-distgit~rpm-master~I' },
  ])('HTTP $status on $method $pathRe fails with an error naming method, path and status', async ({ method, pathRe, status, named }) => {
    gerrit.failNext(method, pathRe, status, 'change is closed');
    const err = await driver()
      .openFtbfsReview(request)
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(GerritError);
    expect((err as GerritError).status).toBe(status);
    expect((err as Error).message).toContain(named);
    expect((err as Error).message).toContain(`HTTP ${status}`);
    expect((err as Error).message).toContain('change is closed');
  });

  it('the double rejects and records requests that break the documented API', async () => {
    const bad = createReviewDriver({ kind: 'gerrit', url: gerrit.url, username: gerrit.username, password: 'wrong' });
    await expect(bad.openFtbfsReview(request)).rejects.toThrow(/GET \/a\/projects\/openstack%2Fnova-distgit\/.* HTTP 401/);
    expect(gerrit.violations).toEqual([expect.stringContaining('wrong credentials')]);

    const auth = `Basic ${Buffer.from(`${gerrit.username}:${gerrit.password}`).toString('base64')}`;
    const unencoded = await fetch(`${gerrit.url}/a/projects/openstack/nova-distgit/branches/rpm-master/files/openstack-nova.spec/content`, { headers: { Authorization: auth } });
    expect(unencoded.status).toBe(404);
    const form = await fetch(`${gerrit.url}/a/changes/`, { method: 'POST', headers: { Authorization: auth }, body: 'project=x' });
    expect(form.status).toBe(415);
    const extra = await fetch(`${gerrit.url}/a/changes/`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ project: PROJECT, branch: 'rpm-master', subject: 's', reviewers: ['x'] }),
    });
    expect(extra.status).toBe(400);
    const anonymous = await fetch(`${gerrit.url}/changes/`, { method: 'POST' });
    expect(anonymous.status).toBe(404);
    expect(gerrit.violations).toHaveLength(5);
  });
});

describe('localgit review driver', () => {
  let root: string;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'tf-review-test-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  /** A distgit remote with the spec on rpm-master (bare, like a served repo, unless `bare` is false). */
  function makeDistgit(name: string, bare = true): string {
    const seed = path.join(root, `${name}-seed`);
    git(root, 'init', '--quiet', '-b', 'rpm-master', seed);
    writeFileSync(path.join(seed, 'openstack-nova.spec'), SPEC);
    git(seed, 'add', '.');
    git(seed, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'spec');
    if (!bare) return seed;
    const remote = path.join(root, 'distgit', `${name}.git`);
    git(root, 'clone', '--quiet', '--bare', seed, remote);
    return remote;
  }

  it('pushes review/rdo-FTBFS/<pkg>-<commit8> with the REMOVEME line and reviewer trailers', async () => {
    const remote = makeDistgit('nova-distgit');
    const driver = createReviewDriver({ kind: 'localgit', distgitBase: path.join(root, 'distgit'), workDir: root });
    const before = git(remote, 'rev-parse', 'rpm-master');

    const review = await driver.openFtbfsReview({ ...request, project: 'nova-distgit.git' });

    const branch = 'review/rdo-FTBFS/openstack-nova-1f2e3d4c';
    expect(driver.name).toBe('localgit');
    expect(review).toEqual({ id: branch, url: `${pathToFileURL(remote).href}#${branch}` });
    expect(git(remote, 'show', `${branch}:openstack-nova.spec`)).toBe(`${SPEC}${REMOVEME}\n`);
    expect(git(remote, 'log', '-1', '--format=%s', branch).trim()).toBe(SUBJECT);
    expect(git(remote, 'log', '-1', '--format=%(trailers:key=Reviewer,valueonly)', branch).trim().split('\n')).toEqual(['alice@example.org', 'bob@example.org']);
    expect(git(remote, 'log', '-1', '--format=%(trailers:key=Topic,valueonly)', branch).trim()).toBe('rdo-FTBFS');
    expect(git(remote, 'rev-parse', `${branch}~1`)).toBe(before);
    expect(git(remote, 'rev-parse', 'rpm-master')).toBe(before);

    // A retried activity finds the branch and leaves it alone (even if its inputs differ slightly).
    const tip = git(remote, 'rev-parse', branch);
    await expect(driver.openFtbfsReview({ ...request, project: 'nova-distgit.git', logUrl: `${request.logUrl}?retry` })).resolves.toEqual(review);
    expect(git(remote, 'rev-parse', branch)).toBe(tip);
  });

  it('works with a non-bare distgit given by absolute path, creates its work dir, and fails clearly on a missing branch', async () => {
    const remote = makeDistgit('plain', false);
    const driver = createReviewDriver({ kind: 'localgit', workDir: path.join(root, 'not', 'yet', 'there') });
    const review = await driver.openFtbfsReview({ ...request, project: remote, topic: 'my topic' });
    expect(review.id).toBe('review/my-topic/openstack-nova-1f2e3d4c');
    expect(git(remote, 'show', `${review.id}:openstack-nova.spec`).endsWith(`${REMOVEME}\n`)).toBe(true);

    await expect(driver.openFtbfsReview({ ...request, project: remote, branch: 'no-such-branch' })).rejects.toThrow(/git clone .* failed/);
    await expect(createReviewDriver({ kind: 'localgit' }).openFtbfsReview(request)).rejects.toThrow(/no distgitBase/);
  });
});

describe('proposed file edits (the constraints update)', () => {
  const UC = "oslo.config===10.0.0\ntfdemo===0.9.0\n";
  const edit = {
    branch: 'master', path: 'upper-constraints.txt', topic: 'new-release', slug: 'tfdemo-1.0.0',
    message: 'update constraint for tfdemo to new release 1.0.0\n\nmeta:version: 1.0.0\n',
    edit: (text: string) => (text.includes('tfdemo===0.9.0') ? text.replace('tfdemo===0.9.0', 'tfdemo===1.0.0') : null),
  };

  it('Gerrit: a change with topic new-release carrying the edited file; nothing when the edit changes nothing', async () => {
    const gerrit = await startGerritDouble({ files: { 'openstack/requirements': { master: { 'upper-constraints.txt': UC } } } });
    try {
      const driver = createReviewDriver({ kind: 'gerrit', url: gerrit.url, username: gerrit.username, password: gerrit.password });
      const review = await driver.proposeFileEdit({ ...edit, project: 'openstack/requirements' });
      expect(gerrit.violations).toEqual([]);
      const [change] = gerrit.changes;
      expect(review).toEqual({ id: change.id, url: `${gerrit.url}/c/openstack/requirements/+/${change.number}` });
      expect(change.topic).toBe('new-release');
      expect(change.message.split('\n')[0]).toBe('update constraint for tfdemo to new release 1.0.0');
      expect(change.files['upper-constraints.txt']).toBe("oslo.config===10.0.0\ntfdemo===1.0.0\n");
      expect(await driver.proposeFileEdit({ ...edit, project: 'openstack/requirements', edit: () => null })).toBeNull();
      expect(gerrit.changes).toHaveLength(1);
    } finally {
      await gerrit.stop();
    }
  });

  it('localgit: a review branch with the edit and a Topic trailer, found again on a retry', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tf-uc-'));
    const g = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' });
    try {
      const bare = path.join(dir, 'requirements.git');
      execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=master', bare]);
      const work = path.join(dir, 'work');
      execFileSync('git', ['clone', '--quiet', bare, work]);
      writeFileSync(path.join(work, 'upper-constraints.txt'), UC);
      g(work, 'add', '-A');
      g(work, 'commit', '--quiet', '-m', 'u-c');
      g(work, 'push', '--quiet', 'origin', 'HEAD:master');
      const driver = createReviewDriver({ kind: 'localgit', workDir: path.join(dir, 'scratch') });
      const review = await driver.proposeFileEdit({ ...edit, project: bare });
      expect(review).toEqual({ id: 'review/new-release/tfdemo-1.0.0', url: `${pathToFileURL(bare).href}#review/new-release/tfdemo-1.0.0` });
      expect(g(bare, 'show', 'review/new-release/tfdemo-1.0.0:upper-constraints.txt')).toBe("oslo.config===10.0.0\ntfdemo===1.0.0\n");
      expect(g(bare, 'log', '-1', '--format=%B', 'review/new-release/tfdemo-1.0.0')).toBe(`${edit.message}\nTopic: new-release\n\n`);
      expect(await driver.proposeFileEdit({ ...edit, project: bare })).toEqual(review);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
