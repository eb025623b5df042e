/**
 * remote/import's fetch (DLRN's dlrn-remote): reads another trunkflow or DLRN
 * instance's commit.yaml at a build's repo URL, downloads its RPMs and logs into
 * the same sharded dir here, and describes it as a finished build for the
 * trunk's post-build. Refusals come back as answers, not failures.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Pool } from 'pg';
import { request } from 'undici';
import { parse as parseYaml } from 'yaml';
import { findTrunk, type Config } from '../config';
import { lastProcessedTimes } from '../db/commits';
import { DlrnApiError } from '../domain/dlrn-api/errors';
import { olderThanBuilt, parseRemoteCommit, REMOTE_LOG_FILES } from '../domain/dlrn-api/remote-import';
import type { BuildAttempt, BuildRequest } from '../domain/trunk-build';
import { heartbeat } from './context';
import { trunkPaths } from './layout';
import type { PackageSource } from './pkginfo/source';

export interface RemoteImportDeps {
  pool: Pool;
  config: Config;
  packages: PackageSource;
}

/** What the fetch found: a build to post-build, an older build DLRN skips, or why not. */
export type RemoteFetch =
  | { kind: 'build'; request: BuildRequest; status: 'SUCCESS' | 'FAILED'; attempt: BuildAttempt }
  | { kind: 'skipped'; reason: string }
  | { kind: 'refused'; status: number; message: string };

const MAX_YAML_BYTES = 1024 * 1024;
const MAX_RPM_BYTES = 4 * 1024 * 1024 * 1024;

async function fetchText(url: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  const res = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, maxRedirections: 0 } as Parameters<typeof request>[1]);
  if (Number(res.headers['content-length'] ?? 0) > MAX_YAML_BYTES) {
    await res.body.dump();
    throw new Error(`${url}: larger than ${MAX_YAML_BYTES} bytes`);
  }
  const text = await res.body.text();
  if (text.length > MAX_YAML_BYTES) throw new Error(`${url}: larger than ${MAX_YAML_BYTES} bytes`);
  return { status: res.statusCode, text };
}

/** Streams a URL to a file (via a temporary name), refusing non-200 answers and oversized bodies. */
async function download(url: string, file: string, timeoutMs: number): Promise<void> {
  const res = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs } as Parameters<typeof request>[1]);
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`${url}: HTTP ${res.statusCode}`);
  }
  if (Number(res.headers['content-length'] ?? 0) > MAX_RPM_BYTES) {
    await res.body.dump();
    throw new Error(`${url}: too large`);
  }
  const tmp = `${file}.part`;
  try {
    await pipeline(res.body, createWriteStream(tmp));
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

export function createRemoteImportActivities(deps: RemoteImportDeps) {
  return {
    async fetchRemoteBuild(trunk: string, repoUrl: string): Promise<RemoteFetch> {
      const t = findTrunk(deps.config, trunk);
      const base = repoUrl.replace(/\/+$/, '');
      const failed = (why: string): RemoteFetch => ({ kind: 'refused', status: 400, message: `Remote import failed with error: ${why}` });
      let yamlText: string;
      try {
        const got = await fetchText(`${base}/commit.yaml`, 10_000);
        if (got.status !== 200) return failed(`${got.status} answer for ${base}/commit.yaml`);
        yamlText = got.text;
      } catch (err) {
        return failed((err as Error).message);
      }
      let commit;
      try {
        commit = parseRemoteCommit(parseYaml(yamlText));
      } catch (err) {
        if (err instanceof DlrnApiError) return { kind: 'refused', status: err.status, message: err.message };
        return failed(`commit.yaml is not YAML: ${(err as Error).message.split('\n')[0]}`);
      }
      const pkg = (await deps.packages.packages(trunk)).find((p) => p.name === commit.projectName);
      if (!pkg) return failed(`package ${commit.projectName} is not built by trunk ${trunk}`);
      if (olderThanBuilt(commit, await lastProcessedTimes(deps.pool, trunk, commit.projectName))) {
        return { kind: 'skipped', reason: `a build of ${commit.projectName} at least as new is already recorded` };
      }
      const dir = path.join(trunkPaths(deps.config, trunk).repos, commit.repoDir);
      await mkdir(dir, { recursive: true });
      for (const log of REMOTE_LOG_FILES) {
        // Missing logs are normal (a failed remote build has few).
        await download(`${base}/${log}`, path.join(dir, log), 10_000).catch(() => undefined);
      }
      try {
        for (const rpm of commit.rpms) {
          heartbeat(`downloading ${rpm}`);
          await download(`${base}/${encodeURIComponent(rpm)}`, path.join(dir, rpm), 45_000);
        }
      } catch (err) {
        return failed((err as Error).message);
      }
      const request: BuildRequest = {
        trunk, release: t.release, packageName: commit.projectName, project: pkg.project, commitHash: commit.commitHash,
        distroHash: commit.distroHash, extendedHash: commit.extendedHash, dtCommit: commit.dtCommit, dtDistro: commit.dtDistro,
        commitBranch: commit.commitBranch, component: commit.component, maintainers: pkg.maintainers,
      };
      const attempt: BuildAttempt = {
        ok: commit.status === 'SUCCESS', dtBuild: commit.dtBuild, repoDir: commit.repoDir,
        rpms: commit.rpms.map((r) => `repos/${commit.repoDir}/${r}`), nvr: null, logPath: `${commit.repoDir}/rpmbuild.log`,
        ...(commit.status === 'FAILED' ? { failure: { status: 'FAILED' as const, reason: commit.notes || 'imported FAILED build' } } : {}),
      };
      return { kind: 'build', request, status: commit.status, attempt };
    },
  };
}

export type RemoteImportActivities = ReturnType<typeof createRemoteImportActivities>;
