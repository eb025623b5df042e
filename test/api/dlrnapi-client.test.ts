/**
 * The real `dlrnapi` CLI (PyPI dlrnapi-client 0.13.1, from the test venv) against trunkflow:
 * each subcommand's printout is checked for the values DLRN's fixtures hold, and must equal what
 * the same command prints against the real DLRN API on the same data. (0.13.1 has no
 * package-recheck subcommand; recheck_package is covered by the differential test.)
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { dlrnVenv, FIXTURE_USER, type DlrnOracle } from '../support/dlrn-oracle';
import type { TrunkflowProcess } from '../support/trunkflow-process';
import { startDlrnPair, type DlrnPair } from '../support/dlrn-pair';

const run = promisify(execFile);
const TRUNK = 'dlrn';
const BASEURL = 'http://127.0.0.1/repos';
const C1 = { commit: '17234e9ab9dfab4cf5600f67f1d24db5064f1025', distro: '024e24f0cf4366c2290c22f24e42de714d1addd1' };
const C2 = { commit: '1c67b1ab8c6fe273d4e175a14f0df5d3cbbd0edc', distro: '8170b8686c38bafb6021d998e2fb268ab26ccf65' };

interface Printed { code: number; out: unknown; stderr: string }

/** Runs dlrnapi against a base URL; its stdout is JSON (sort_keys, indent 2) on success. */
async function dlrnapi(url: string, args: string[]): Promise<Printed> {
  const bin = path.join(dlrnVenv(), 'bin', 'dlrnapi');
  try {
    const { stdout, stderr } = await run(bin, ['--url', url, '--username', FIXTURE_USER.username, '--password', FIXTURE_USER.password, ...args], { timeout: 60_000 });
    return { code: 0, out: normalise(JSON.parse(stdout)), stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Timestamps the servers take from their clock cannot match; everything else must. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) =>
      [k, k === 'timestamp' && Math.abs(Number(x) - Date.now() / 1000) < 600 ? '<now>' : normalise(x)]));
  }
  return v;
}

describe('the dlrnapi client against trunkflow', () => {
  let oracle: DlrnOracle;
  let trunkflow: TrunkflowProcess;
  let pair: DlrnPair | undefined;
  beforeAll(async () => {
    pair = await startDlrnPair({ trunk: TRUNK, baseurl: BASEURL, tmpPrefix: 'tf-dlrnapi-' });
    ({ oracle, trunkflow } = pair);
  }, 600_000);
  afterAll(async () => {
    await pair?.stop();
  });

  /** The same command against both; trunkflow's printout is returned after checking it equals DLRN's. */
  async function both(args: string[]): Promise<Printed> {
    const dlrn = await dlrnapi(oracle.url, args);
    const ours = await dlrnapi(trunkflow.url, args);
    expect({ args, code: ours.code, out: ours.out }).toEqual({ args, code: dlrn.code, out: dlrn.out });
    return ours;
  }

  it('repo-get finds the newest vote, and the newest of one job', async () => {
    const newest = await both(['repo-get', '--max-age', '0']);
    expect(newest.out).toMatchObject({ commit_hash: '93eee77657978547f5fad1cb8cd30b570da83e68', job_id: 'extended-ci', success: true, component: 'tripleo' });
    const job = await both(['repo-get', '--max-age', '0', '--job-id', 'another-ci', '--success', 'true']);
    expect(job.out).toMatchObject({ commit_hash: C2.commit, distro_hash: C2.distro, job_id: 'another-ci', component: 'foo-component' });
    const none = await dlrnapi(trunkflow.url, ['repo-get', '--max-age', '0', '--sequential-mode', '--previous-job-id', 'nobody']);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('No vote found');
  }, 120_000);

  it('repo-status and agg-status list the votes', async () => {
    const status = await both(['repo-status', '--commit-hash', C1.commit, '--distro-hash', C1.distro]);
    expect((status.out as Array<{ job_id: string }>).map((v) => v.job_id).sort()).toEqual(['consistent', 'current-passed-ci']);
    const agg = await both(['agg-status', '--agg-hash', '12345678']);
    expect((agg.out as Array<{ success: boolean }>).map((v) => v.success).sort()).toEqual([false, true]);
  }, 120_000);

  it('report-result records a vote on a build and on an aggregate, and repo-use picks it', async () => {
    const vote = await both(['report-result', '--job-id', 'client-ci', '--commit-hash', C1.commit, '--distro-hash', C1.distro,
      '--info-url', 'http://ci.example.org/1', '--timestamp', '1700000500', '--success', 'true', '--notes', 'from the client']);
    expect(vote.out).toMatchObject({ job_id: 'client-ci', commit_hash: C1.commit, success: true, timestamp: 1700000500, notes: 'from the client' });
    const agg = await both(['report-result', '--job-id', 'client-phase2', '--agg-hash', '12345678',
      '--info-url', 'http://ci.example.org/2', '--timestamp', '1700000600', '--success', 'false']);
    expect(agg.out).toMatchObject({ job_id: 'client-phase2', aggregate_hash: '12345678', success: false });
    const used = await both(['repo-use', '--max-age', '0', '--reporting-job-id', 'client-phase1', '--job-id', 'client-ci']);
    expect(used.out).toMatchObject({ commit_hash: C1.commit, job_id: 'client-phase1', in_progress: true, timestamp: '<now>' });
    const status = await both(['repo-status', '--commit-hash', C1.commit, '--distro-hash', C1.distro, '--success', 'true']);
    expect((status.out as Array<{ job_id: string }>).map((v) => v.job_id).sort()).toEqual(['client-ci', 'consistent']);
  }, 120_000);

  it('repo-promote and repo-promote-batch move labels; promotion-get lists them', async () => {
    const promoted = await both(['repo-promote', '--commit-hash', C1.commit, '--distro-hash', C1.distro, '--promote-name', 'client-promoted']);
    expect(promoted.out).toMatchObject({ promote_name: 'client-promoted', commit_hash: C1.commit, repo_hash: `${C1.commit}_${C1.distro.slice(0, 8)}`, user: 'foo' });
    expect(fs.readlinkSync(path.join(trunkflow.reposDir, TRUNK, 'client-promoted'))).toBe(fs.readlinkSync(path.join(oracle.repoDir, 'client-promoted')));
    const batch = await both(['repo-promote-batch', '--hash-pairs', `${C1.commit}_${C1.distro},${C2.commit}_${C2.distro}`, '--promote-name', 'client-batch']);
    expect(batch.out).toMatchObject({ promote_name: 'client-batch', commit_hash: C2.commit });
    const listed = await both(['promotion-get', '--promote-name', 'client-promoted']);
    expect(listed.out).toEqual([expect.objectContaining({ promote_name: 'client-promoted', commit_hash: C1.commit, repo_url: expect.stringContaining(BASEURL) })]);
    const refused = await dlrnapi(trunkflow.url, ['repo-promote', '--commit-hash', C1.commit, '--distro-hash', C1.distro, '--promote-name', 'consistent']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Invalid promote_name consistent');
  }, 120_000);

  it('build-metrics counts the builds of a period', async () => {
    const metrics = await both(['build-metrics', '--start-date', '2015-09-01', '--end-date', '2015-09-30']);
    expect(metrics.out).toEqual({ succeeded: 5, failed: 0, total: 5 });
  }, 120_000);
});
