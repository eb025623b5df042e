/**
 * Release pipeline benchmark (npm run bench -- release), against the private
 * stack scripts/bench.sh starts: a final-release-day request with 69 generated
 * pbr projects (cycle-with-rc finals on their RC commits, as 2025.2's 69 tags):
 * time until every tag is pushed and until every tag's pipeline (real sdist and
 * wheel builds, release notes) has finished, beside tagging the same 69
 * repositories one after another as tag-releases does. Prints, never asserts.
 */
import { mkdtemp } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { git } from '../src/activities/git';
import { createReleaseActivities } from '../src/activities/release/request';
import { createReleaseTagActivities, releaseVenv } from '../src/activities/release/tag-jobs';
import { buildConfig } from '../src/config';
import { startReleaseRequest } from '../src/control/release';
import { releaseTagWorkflowId } from '../src/domain/release/tag-pipeline';
import { WORKFLOWS_PATH } from '../src/worker';
import { makeProjectRepo, makeReleasesRepo } from '../test/activities/release/fixtures';

const REPOS = 69;
const temporalAddress = process.env.TRUNKFLOW_TEST_TEMPORAL_ADDRESS;
if (!temporalAddress) throw new Error('run through `npm run bench -- release` (scripts/bench.sh starts the stack)');

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'tf-bench-release-'));
  const reposRoot = path.join(base, 'git');
  const releases = await makeReleasesRepo(base);
  const files: Record<string, string> = {};
  const heads: Array<[string, string]> = [];
  for (let i = 0; i < REPOS; i++) {
    const name = `tfbench-${String(i).padStart(2, '0')}`;
    const repo = await makeProjectRepo(reposRoot, `openstack/${name}`);
    const sha = await repo.commit('packaging', {
      'setup.cfg': `[metadata]\nname = ${name}\nsummary = bench\nauthor = bench\nauthor_email = bench@example.org\n\n[files]\npackages =\n    ${name.replace('-', '_')}\n`,
      'setup.py': 'import setuptools\nsetuptools.setup(setup_requires=["pbr"], pbr=True)\n',
      [`${name.replace('-', '_')}/__init__.py`]: '',
      [`releasenotes/notes/${name}-0123456789abcdef.yaml`]: `---\nfeatures:\n  - ${name} is out.\n`,
    });
    await git(repo.work, ['tag', '-a', '-m', `${name} 1.0.0.0rc1 release candidate`, '1.0.0.0rc1', sha]);
    await git(repo.work, ['push', '--quiet', 'origin', 'master', '1.0.0.0rc1']);
    heads.push([`openstack/${name}`, sha]);
    files[`deliverables/hibiscus/${name}.yaml`] = `---\nlaunchpad: ${name}\nrelease-model: cycle-with-rc\nteam: bench\ntype: library\n` +
      `repository-settings:\n  openstack/${name}: {}\nreleases:\n` +
      ['1.0.0.0rc1', '1.0.0'].map((v) => `  - version: ${v}\n    projects:\n      - repo: openstack/${name}\n        hash: ${sha}\n`).join('');
  }
  await releaseVenv();
  const taskQueue = `bench-release-${Date.now()}`;
  const config = buildConfig({
    temporal: { address: temporalAddress, taskQueues: { orchestration: taskQueue } },
    paths: { data: path.join(base, 'data') },
    release: { releasesRepo: releases.bare, repos: { root: reposRoot } },
  }, 'bench', base, {});
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const native = await NativeConnection.connect({ address: temporalAddress });
  const activities = { ...createReleaseActivities({ config }), ...createReleaseTagActivities({ config }) };
  const worker = await Worker.create({ connection: native, taskQueue, workflowsPath: WORKFLOWS_PATH, activities, maxConcurrentActivityTaskExecutions: 32 });
  const merge = await releases.merge(files, `hibiscus final releases for ${REPOS} cycle-with-rc projects`);
  await worker.runUntil(async () => {
    const t0 = Date.now();
    const { workflowId } = await startReleaseRequest(client, config, merge, 'bench');
    const step1 = await client.workflow.getHandle(workflowId).result();
    const step1Done = Date.now() - t0;
    // When the last tag landed: the tagger dates the 69 tags carry (1 s resolution).
    let lastTag = 0;
    for (const [repo] of heads) {
      const at = Number((await git(path.join(reposRoot, `${repo}.git`), ['for-each-ref', '--format=%(taggerdate:unix)', 'refs/tags/1.0.0'])).trim());
      lastTag = Math.max(lastTag, at * 1000);
    }
    const tagged = lastTag - Math.floor(t0 / 1000) * 1000;
    await Promise.all(step1.tags.map((t: { repo: string; version: string }) => client.workflow.getHandle(releaseTagWorkflowId(t.repo, t.version)).result()));
    const all = Date.now() - t0;
    // The same 69 repositories tagged one after another, as tag-releases does (another tag name, same commits).
    const direct = createReleaseActivities({ config });
    const s0 = Date.now();
    for (const [repo, sha] of heads) await direct.tagRelease({ deliverable: repo, file: 'bench', repo, version: '1.0.0-seq', hash: sha, message: `${repo} sequential\n` });
    const sequential = Date.now() - s0;
    const rss = process.resourceUsage().maxRSS / 1024;
    console.log(`release day, ${step1.tags.length} tags: all tags pushed after ${seconds(tagged)} (validation included) vs ${seconds(sequential)} tagging the 69 one after another; ` +
      `step 1 done (branches, site) after ${seconds(step1Done)}; every tag's pipeline done after ${seconds(all)} (sdist+wheel builds, release notes) [bench process peak RSS ${rss.toFixed(0)} MiB]`);
  });
  await native.close();
  await connection.close();
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`bench: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
