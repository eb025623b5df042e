import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { NativeConnection, Worker } from '@temporalio/worker';
import { git, pushBranch } from '../../src/activities/git';
import { createReleaseTagActivities, releaseVenv } from '../../src/activities/release/tag-jobs';
import { buildConfig, type Config } from '../../src/config';
import { tagMessage } from '../../src/domain/release/tagging';
import { releaseTag } from '../../src/workflows';
import { WORKFLOWS_PATH } from '../../src/worker';
import { makeProjectRepo, type ProjectRepo } from '../activities/release/fixtures';
import { throwawayGpgKey, type ThrowawayKey } from '../support/gpg';
import { startPypiServer, type PypiServer } from '../support/pypiserver';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer';
import { isolatedStack, uniqueName, type IsolatedStack } from '../support/stack';

const exec = promisify(execFile);

describe('releaseTag workflow (step 2, per tag)', () => {
  let stack: IsolatedStack;
  let connection: NativeConnection;
  let key: ThrowawayKey;
  let pypi: PypiServer;
  let smtp: SmtpPeer;
  let config: Config;
  let repo: ProjectRepo;
  let requirements: ProjectRepo;
  let base: string;

  beforeAll(async () => {
    stack = await isolatedStack();
    connection = await NativeConnection.connect({ address: stack.config.temporal.address });
    [key, pypi, smtp] = await Promise.all([throwawayGpgKey(), startPypiServer(), startSmtpPeer()]);
    base = await mkdtemp(path.join(tmpdir(), 'tf-reltag-'));
    const reposRoot = path.join(base, 'git');
    repo = await makeProjectRepo(reposRoot, 'openstack/tfdemo');
    requirements = await makeProjectRepo(reposRoot, 'openstack/requirements');
    await requirements.commit('constraints', { 'upper-constraints.txt': "oslo.config===10.0.0\ntfdemo===0.9.0\ntfdemo===0.8.0;python_version=='3.9'\n" });
    await pushBranch(requirements.work, 'origin', 'master');
    await repo.commit('packaging', {
      'setup.cfg': '[metadata]\nname = tfdemo\nsummary = trunkflow release demo\nauthor = trunkflow\nauthor_email = demo@example.org\n\n[files]\npackages =\n    tfdemo\n',
      'setup.py': 'import setuptools\nsetuptools.setup(setup_requires=["pbr"], pbr=True)\n',
      'tfdemo/__init__.py': '',
      'releasenotes/notes/first-feature-0123456789abcdef.yaml': '---\nfeatures:\n  - |\n    The demo can now say hello.\n',
    });
    config = buildConfig({
      temporal: { address: stack.config.temporal.address, taskQueues: { orchestration: stack.taskQueue } },
      paths: { data: path.join(base, 'data') },
      mail: { host: smtp.host, port: smtp.port },
      release: {
        repos: { root: reposRoot }, requirementsRepo: requirements.bare, indexPoll: { everySeconds: 1 }, signingKey: key.fingerprint, gnupgHome: key.home, index: { url: pypi.url },
        timeouts: { maximumAttempts: 2, retryInitialSeconds: 1 },
      },
    }, 'test', base, {});
    await releaseVenv();
  });
  afterAll(async () => {
    await connection?.close();
    await stack?.teardown();
    await Promise.all([key?.dispose(), pypi?.stop(), smtp?.stop()]);
  });

  const tag = async (name: string, message: string) => {
    await git(repo.work, ['-c', 'user.name=Bot', '-c', 'user.email=bot@localhost', 'tag', '-a', '-m', message, name]);
    await pushBranch(repo.work, 'origin', 'master', { tags: true });
  };
  const meta = (version: string) => tagMessage({
    repo: 'openstack/tfdemo', version, team: 'demo', diffStart: undefined, seriesDir: 'hibiscus', branch: 'master', pypi: true, first: version === '1.0.0', reviewLines: [],
  });
  const run = async (name: string) => {
    const worker = await Worker.create({ connection, taskQueue: stack.taskQueue, workflowsPath: WORKFLOWS_PATH, activities: createReleaseTagActivities({ config }), maxCachedWorkflows: 0 });
    return worker.runUntil(stack.client.workflow.execute(releaseTag, {
      workflowId: uniqueName(`release-tag:openstack/tfdemo:${name}`),
      taskQueue: stack.taskQueue,
      workflowExecutionTimeout: '100 seconds',
      args: [{ repo: 'openstack/tfdemo', tag: name, timeouts: config.release.timeouts, indexPoll: config.release.indexPoll, upload: true, constraints: true }],
    }));
  };

  it('a final release: signed sdist and wheel in the tarballs directory and on the index, announced once, with its release notes', async () => {
    await tag('1.0.0', meta('1.0.0'));
    const result = await run('1.0.0');
    expect(result.pipeline).toBe('release');
    expect((await readdir(path.join(config.release.tarballsDir, 'openstack/tfdemo'))).sort()).toEqual([
      'tfdemo-1.0.0-py3-none-any.whl', 'tfdemo-1.0.0-py3-none-any.whl.asc', 'tfdemo-1.0.0.tar.gz', 'tfdemo-1.0.0.tar.gz.asc',
    ]);
    const sdist = path.join(config.release.tarballsDir, 'openstack/tfdemo/tfdemo-1.0.0.tar.gz');
    await exec('gpg', ['--batch', '--verify', `${sdist}.asc`, sdist], { env: { ...process.env, GNUPGHOME: key.home } });
    expect(result.uploaded.sort()).toEqual(['tfdemo-1.0.0-py3-none-any.whl', 'tfdemo-1.0.0.tar.gz']);
    const venv = await releaseVenv();
    const dl = await mkdtemp(path.join(tmpdir(), 'tf-dl-'));
    await exec(path.join(venv, 'bin', 'pip'), ['download', '--quiet', '--no-deps', '--index-url', `${pypi.url}/simple/`, '-d', dl, 'tfdemo==1.0.0']);
    expect(await readdir(dl)).toEqual(['tfdemo-1.0.0-py3-none-any.whl']);
    expect(await readFile(result.notes!, 'utf8')).toContain('The demo can now say hello.');
    expect(result.announce).toEqual({ sent: true, subject: 'tfdemo 1.0.0 (hibiscus)' });
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0];
    expect(mail.to).toEqual(['release-announce@lists.openstack.org']);
    expect(mail.text).toMatch(/^We .+ announce the release of:\n\ntfdemo 1\.0\.0\n\nThis is the first release of tfdemo\.\nThis release is part of the hibiscus release series\./);
    expect(mail.text).toContain('The demo can now say hello.');
    // The constraints proposal: on master (meta:branch), topic new-release, after the index served 1.0.0.
    expect(result.constraints).toBe(`${pathToFileURL(requirements.bare).href}#review/new-release/tfdemo-1.0.0`);
    expect(await git(requirements.bare, ['show', 'review/new-release/tfdemo-1.0.0:upper-constraints.txt']))
      .toBe("oslo.config===10.0.0\ntfdemo===1.0.0\ntfdemo===1.0.0;python_version=='3.9'\n");
    expect(await git(requirements.bare, ['log', '-1', '--format=%B', 'review/new-release/tfdemo-1.0.0']))
      .toMatch(/^update constraint for tfdemo to new release 1\.0\.0\n\nmeta:version: 1\.0\.0\n[^]*Topic: new-release\n/);
    expect(mail.text).toMatch(/Changes in tfdemo [0-9a-f]{40}\.\.1\.0\.0\n-+\n\n[0-9a-f]+ packaging\n/);

    // Again: the index already has the files (skip-existing), and the announcement is not sent twice.
    const again = await run('1.0.0');
    expect(again.uploaded.sort()).toEqual(['tfdemo-1.0.0-py3-none-any.whl', 'tfdemo-1.0.0.tar.gz']);
    expect(again.announce).toEqual({ sent: false, reason: expect.stringMatching(/^already announced/) });
    expect(smtp.messages).toHaveLength(1);
  });

  it('a beta goes through the pre-release pipeline and is not announced; a tag without metadata is built but not announced', async () => {
    await repo.commit('beta work');
    await tag('1.1.0.0b1', meta('1.1.0.0b1'));
    const beta = await run('1.1.0.0b1');
    expect(beta.pipeline).toBe('pre-release');
    expect(beta.uploaded.sort()).toEqual(['tfdemo-1.1.0.0b1-py3-none-any.whl', 'tfdemo-1.1.0.0b1.tar.gz']);
    expect(beta.announce).toEqual({ sent: false, reason: '1.1.0.0b1 is an alpha or beta version: not announced' });
    await repo.commit('by hand');
    await tag('1.1.0', 'tagged by hand');
    const bare = await run('1.1.0');
    expect(bare.uploaded.sort()).toEqual(['tfdemo-1.1.0-py3-none-any.whl', 'tfdemo-1.1.0.tar.gz']);
    expect(bare.announce).toEqual({ sent: false, reason: 'WARNING: Missing meta lines in 1.1.0 tag message, skipping.' });
    expect(bare.warnings).toEqual(['WARNING: Missing meta lines in 1.1.0 tag message, skipping.']);
    expect(bare.constraints).toBeNull();
    expect(smtp.messages).toHaveLength(1);
  });

  it('an EOL tag only gets its release notes', async () => {
    await tag('2026.2-eol', meta('2026.2-eol'));
    const eol = await run('2026.2-eol');
    expect(eol.pipeline).toBe('tag-only');
    expect(eol.artifacts).toEqual([]);
    expect(eol.notes).toBe(path.join(config.release.notesDir, 'openstack/tfdemo', '2026.2-eol.rst'));
    expect(await readFile(eol.notes!, 'utf8')).toContain('The demo can now say hello.');
  });
});
