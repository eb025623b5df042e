import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { git } from '../../src/activities/git';
import { createReleaseActivities } from '../../src/activities/release/request';
import { buildConfig, type Config } from '../../src/config';
import { pollReleaseRequests, releaseRequest } from '../../src/workflows';
import { createApiServer } from '../../src/api/server';
import { releaseSteering, tagPipelineSettings } from '../../src/control/release';
import { WORKFLOWS_PATH } from '../../src/worker';
import { makeProjectRepo, makeReleasesRepo, type ProjectRepo, type ReleasesRepo } from '../activities/release/fixtures';
import { throwawayGpgKey, type ThrowawayKey } from '../support/gpg';
import { isolatedStack, uniqueName, type IsolatedStack } from '../support/stack';

const deliverable = (name: string, releases: Array<[string, string]>, extra = '') =>
  `---\nlaunchpad: ${name}\nrelease-model: cycle-with-intermediary\nteam: demo\ntype: library\ninclude-pypi-link: true\n` +
  `repository-settings:\n  openstack/${name}: {}\n${extra}releases:\n` +
  releases.map(([v, h]) => `  - version: '${v}'\n    projects:\n      - repo: openstack/${name}\n        hash: ${h}\n`).join('');

describe('releaseRequest workflow (step 1)', () => {
  let stack: IsolatedStack;
  let connection: NativeConnection;
  let key: ThrowawayKey;
  let config: Config;
  let releases: ReleasesRepo;
  let alpha: ProjectRepo;
  let beta: ProjectRepo;
  let gamma: ProjectRepo;
  let a1: string;
  let b1: string;
  let g1: string;
  let a3sha = '';
  const a3 = () => a3sha;

  beforeAll(async () => {
    stack = await isolatedStack();
    connection = await NativeConnection.connect({ address: stack.config.temporal.address });
    key = await throwawayGpgKey();
    const base = await mkdtemp(path.join(tmpdir(), 'tf-relreq-'));
    releases = await makeReleasesRepo(base);
    const reposRoot = path.join(base, 'git');
    alpha = await makeProjectRepo(reposRoot, 'openstack/alpha');
    beta = await makeProjectRepo(reposRoot, 'openstack/beta');
    a1 = await alpha.commit('alpha work');
    b1 = await beta.commit('beta work');
    gamma = await makeProjectRepo(reposRoot, 'openstack/gamma');
    g1 = await gamma.commit('gamma work');
    await git(gamma.work, ['push', '--quiet', 'origin', 'master']);
    await git(alpha.work, ['push', '--quiet', 'origin', 'master']);
    await git(beta.work, ['push', '--quiet', 'origin', 'master']);
    config = buildConfig({
      temporal: { address: stack.config.temporal.address, taskQueues: { orchestration: stack.taskQueue } },
      paths: { data: path.join(base, 'data') },
      release: { releasesRepo: releases.bare, repos: { root: reposRoot }, signingKey: key.fingerprint, gnupgHome: key.home, tarballsUrl: 'https://tarballs.example.org', timeouts: { maximumAttempts: 2, retryInitialSeconds: 1 } },
    }, 'test', base, {});
  });
  afterAll(async () => {
    await connection?.close();
    await stack?.teardown();
    await key?.dispose();
  });

  const run = async (commit: string) => {
    const worker = await Worker.create({ connection, taskQueue: stack.taskQueue, workflowsPath: WORKFLOWS_PATH, activities: createReleaseActivities({ config }), maxCachedWorkflows: 0 });
    return worker.runUntil(stack.client.workflow.execute(releaseRequest, {
      workflowId: uniqueName(`release-request:${commit}`),
      taskQueue: stack.taskQueue,
      args: [{ releasesRepo: releases.bare, commit, reason: 'test', timeouts: config.release.timeouts, tagPipeline: tagPipelineSettings(config) }],
    }));
  };
  const tagMessage = async (repo: ProjectRepo, tag: string) => (await git(repo.bare, ['cat-file', '-p', `refs/tags/${tag}`]));

  it('tags every project of the changed deliverables with signed metadata tags, creates branches, then publishes the site', async () => {
    const merge = await releases.merge({
      'deliverables/hibiscus/alpha.yaml': deliverable('alpha', [['1.0.0', a1]]),
      'deliverables/hibiscus/beta.yaml': deliverable('beta', [['2.0.0', b1]]),
      'deliverables/hibiscus/gamma.yaml': deliverable('gamma', [['3.0.0', g1]], 'branches:\n  - name: stable/2026.2\n    location: 3.0.0\n'),
    }, 'Release alpha 1.0.0, beta 2.0.0 and gamma 3.0.0');
    const result = await run(merge);
    expect(result.tags.map((t) => [t.repo, t.version, t.outcome]).sort()).toEqual([
      ['openstack/alpha', '1.0.0', 'tagged'], ['openstack/beta', '2.0.0', 'tagged'], ['openstack/gamma', '3.0.0', 'tagged'],
    ]);
    expect(result.branches).toEqual([{ repo: 'openstack/gamma', branch: 'stable/2026.2', outcome: 'created' }]);
    expect((await git(gamma.bare, ['rev-parse', 'refs/heads/stable/2026.2'])).trim()).toBe(g1);
    expect((await git(alpha.bare, ['rev-parse', '1.0.0^{commit}'])).trim()).toBe(a1);
    const message = await tagMessage(alpha, '1.0.0');
    expect(message).toContain([
      'alpha 1.0.0 release', '', 'meta:version: 1.0.0', 'meta:team: demo', 'meta:diff-start: -', 'meta:series: hibiscus',
      'meta:branch: master', 'meta:release-type: release', 'meta:pypi: yes', 'meta:first: yes',
    ].join('\n'));
    expect(message).toContain('tagger trunkflow Release Bot <release-bot@localhost>');
    // Each pushed tag started its own pipelines.
    const child = await stack.client.workflow.getHandle('release-tag:openstack/alpha:1.0.0').describe();
    expect(child.type).toBe('releaseTag');
    expect(message).toContain('-----BEGIN PGP SIGNATURE-----');
    await git(alpha.bare, ['verify-tag', '1.0.0'], { env: { GNUPGHOME: key.home } });
    const index = await readFile(path.join(config.release.siteDir, 'hibiscus', 'index.html'), 'utf8');
    expect(index).toContain('<a href="https://tarballs.example.org/openstack/alpha/alpha-1.0.0.tar.gz">alpha</a>');
    expect(index).toContain('https://tarballs.example.org/openstack/beta/beta-2.0.0.tar.gz.asc');

    // The same request again: the tags and branch are there, on the right commits: nothing to do.
    const again = await run(merge);
    expect(again.tags.map((t) => t.outcome)).toEqual(['exists', 'exists', 'exists']);
    expect(again.branches.map((b) => b.outcome)).toEqual(['exists']);
  });

  it('refuses an invalid request with the validator lines and tags nothing', async () => {
    const a2 = await alpha.commit('more alpha');
    await git(alpha.work, ['push', '--quiet', 'origin', 'master']);
    const merge = await releases.merge({ 'deliverables/hibiscus/alpha.yaml': deliverable('alpha', [['1.0.0', a1], ['1.1', a2]]) }, 'Release alpha 1.1');
    const err = await run(merge).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause?.message).toBe(
      `release request ${merge} is invalid, nothing was tagged:\n` +
      "deliverables/hibiscus/alpha.yaml: validate_version_numbers: could not validate version '1.1': Version '1.1' does not match canonical form '1.1.0'",
    );
    expect(await git(alpha.bare, ['tag', '--list'])).toBe('1.0.0\n');
  });

  it('one failing repository does not stop the others, and the site is then not published', async () => {
    a3sha = await alpha.commit('alpha again');
    const a3 = a3sha;
    const b2 = await beta.commit('beta again');
    await git(alpha.work, ['push', '--quiet', 'origin', 'master']);
    await git(beta.work, ['push', '--quiet', 'origin', 'master']);
    const merge = await releases.merge({
      'deliverables/hibiscus/alpha.yaml': deliverable('alpha', [['1.0.0', a1], ['1.2.0', a3]]),
      'deliverables/hibiscus/beta.yaml': deliverable('beta', [['2.0.0', b1], ['2.1.0', b2]]),
    }, 'Release alpha 1.2.0 and beta 2.1.0');
    // beta's server refuses every push (a real git hook): its tag fails, alpha's does not.
    const hook = path.join(beta.bare, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "pushes refused by policy" >&2\nexit 1\n', { mode: 0o755 });
    const siteBefore = await readFile(path.join(config.release.siteDir, 'hibiscus', 'index.html'), 'utf8');
    const err = await run(merge).catch((e: unknown) => e);
    await rm(hook);
    const message = (err as WorkflowFailedError).cause?.message ?? '';
    expect(message.split('\n').slice(0, 2)).toEqual([
      '1 of 2 tags and branches failed; the releases site was not published:',
      expect.stringMatching(/^openstack\/beta 2\.1\.0: git -C \S+ push --quiet origin refs\/tags\/2\.1\.0 /),
    ]);
    expect(message).toContain('pushes refused by policy');
    expect(await git(beta.bare, ['tag', '--list', '2.1.0'])).toBe('');
    expect((await git(alpha.bare, ['rev-parse', '1.2.0^{commit}'])).trim()).toBe(a3);
    expect(await readFile(path.join(config.release.siteDir, 'hibiscus', 'index.html'), 'utf8')).toBe(siteBefore);
  });

  it('a missing commit tags nothing in that repository', async () => {
    const activities = createReleaseActivities({ config });
    const missing = 'e'.repeat(40);
    await expect(activities.tagRelease({ deliverable: 'alpha', file: 'x', repo: 'openstack/alpha', version: '9.0.0', hash: missing, message: 'alpha 9.0.0 release\n' }))
      .rejects.toThrow(`openstack/alpha: commit ${missing} of 9.0.0 does not exist; no tag made`);
    expect(await git(alpha.bare, ['tag', '--list', '9.0.0'])).toBe('');
  });

  it('a Gerrit change-merged webhook starts step 1 once per merge commit', async () => {
    const a4 = await alpha.commit('alpha for the webhook');
    await git(alpha.work, ['push', '--quiet', 'origin', 'master']);
    const merge = await releases.merge({ 'deliverables/hibiscus/alpha.yaml': deliverable('alpha', [['1.0.0', a1], ['1.2.0', a3()], ['1.3.0', a4]]) }, 'Release alpha 1.3.0');
    const api = createApiServer({ pool: stack.pool, config, release: releaseSteering(stack.client, config) });
    const event = { type: 'change-merged', change: { project: releases.bare, branch: 'master' }, patchSet: { revision: 'f'.repeat(40) }, newRev: merge };
    const first = await api.inject({ method: 'POST', url: '/api/webhooks/gerrit', payload: event });
    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ project: releases.bare, branch: 'master', release: { workflowId: `release-request:${merge}`, started: true } });
    const again = await api.inject({ method: 'POST', url: '/api/webhooks/gerrit', payload: event });
    expect(again.json().release).toEqual({ workflowId: `release-request:${merge}`, started: false });
    const worker = await Worker.create({ connection, taskQueue: stack.taskQueue, workflowsPath: WORKFLOWS_PATH, activities: createReleaseActivities({ config }) });
    const result = await worker.runUntil(stack.client.workflow.getHandle(`release-request:${merge}`).result());
    expect(result.tags).toEqual([{ repo: 'openstack/alpha', version: '1.3.0', outcome: 'tagged', sha: a4 }]);
    await api.close();
  });

  it('the poll starts step 1 for each merge since the previous poll', async () => {
    const worker = await Worker.create({ connection, taskQueue: stack.taskQueue, workflowsPath: WORKFLOWS_PATH, activities: createReleaseActivities({ config }) });
    const poll = () => stack.client.workflow.execute(pollReleaseRequests, {
      workflowId: uniqueName('release-poll'), taskQueue: stack.taskQueue, args: [{ releasesRepo: releases.bare, timeouts: config.release.timeouts, tagPipeline: tagPipelineSettings(config) }],
    });
    await worker.runUntil(async () => {
      await poll(); // the first poll only records where the branch is
      expect(await poll()).toEqual([]);
      const b3 = await beta.commit('beta for the poll');
      await git(beta.work, ['push', '--quiet', 'origin', 'master']);
      const merge = await releases.merge({ 'deliverables/hibiscus/beta.yaml': deliverable('beta', [['2.0.0', b1], ['2.2.0', b3]]) }, 'Release beta 2.2.0');
      expect(await poll()).toEqual([merge]);
      const result = await stack.client.workflow.getHandle(`release-request:${merge}`).result();
      expect(result.tags).toEqual([{ repo: 'openstack/beta', version: '2.2.0', outcome: 'tagged', sha: b3 }]);
    });
  });
});
