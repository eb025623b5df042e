/**
 * remote/import (DLRN's dlrn-remote): reading another instance's commit.yaml
 * (every value `str()`-ed, `None` for null), which files to fetch next to it,
 * and whether the build is older than what the trunk already built.
 */
import { shardedCommitDir } from '../trunk/hashes';
import { DlrnApiError } from './errors';

/** The build a remote commit.yaml describes, checked. */
export interface RemoteCommit {
  projectName: string;
  commitHash: string;
  distroHash: string;
  extendedHash: string | null;
  commitBranch: string;
  component: string | null;
  status: 'SUCCESS' | 'FAILED';
  dtCommit: number;
  dtDistro: number;
  dtBuild: number;
  notes: string;
  /** The sharded repo dir, relative to repos/ (computed here, never taken from the remote). */
  repoDir: string;
  /** RPM file names (no directories). */
  rpms: string[];
}

/** The logs DLRN copies next to an imported build when the remote has them. */
export const REMOTE_LOG_FILES = ['build.log', 'installed', 'mock.log', 'root.log', 'rpmbuild.log', 'state.log'];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._+~-]*$/;
const HASH = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const RPM = /^[A-Za-z0-9][A-Za-z0-9._+~^-]*\.rpm$/;

const refuse = (why: string) => new DlrnApiError(400, `Remote import failed with error: commit.yaml ${why}`);
const none = (v: unknown): string | null => (v === undefined || v === null || v === 'None' || v === '' ? null : String(v));

function field(c: Record<string, unknown>, name: string, pattern: RegExp): string {
  const v = none(c[name]);
  if (v === null || !pattern.test(v) || v.includes('..')) throw refuse(`has no valid ${name} (${JSON.stringify(c[name] ?? null).slice(0, 80)})`);
  return v;
}

function number(c: Record<string, unknown>, name: string, fallback?: number): number {
  const v = none(c[name]);
  if (v === null && fallback !== undefined) return fallback;
  const n = Number(v);
  if (v === null || !Number.isFinite(n) || Math.abs(n) > 2_147_483_647) throw refuse(`has no valid ${name}`);
  return Math.trunc(n);
}

/** The first build of a parsed commit.yaml (`commits: [ {...} ]`), checked so nothing it names can leave the build's repo dir. */
export function parseRemoteCommit(doc: unknown): RemoteCommit {
  const list = (doc as { commits?: unknown } | null)?.commits;
  if (!Array.isArray(list) || list.length === 0 || typeof list[0] !== 'object' || list[0] === null) throw refuse('has no commits');
  const c = list[0] as Record<string, unknown>;
  const status = none(c.status);
  if (status !== 'SUCCESS' && status !== 'FAILED') throw refuse(`has status ${JSON.stringify(status)}: only SUCCESS and FAILED builds are imported`);
  const commit = {
    projectName: field(c, 'project_name', NAME),
    commitHash: field(c, 'commit_hash', HASH),
    distroHash: field(c, 'distro_hash', HASH),
    extendedHash: none(c.extended_hash) === null ? null : field(c, 'extended_hash', HASH),
    component: none(c.component) === null ? null : field(c, 'component', NAME),
  };
  const repoDir = shardedCommitDir(commit);
  const rpms = (none(c.artifacts) ?? '').split(',').filter(Boolean).map((a) => {
    const base = a.trim().split('/').pop() ?? '';
    if (!RPM.test(base)) throw refuse(`lists an artifact that is not an RPM file name: ${JSON.stringify(a).slice(0, 120)}`);
    return base;
  });
  if (status === 'SUCCESS' && rpms.length === 0) throw refuse('lists no RPMs for a SUCCESS build');
  return {
    ...commit, status, repoDir, rpms,
    commitBranch: none(c.commit_branch) ?? '',
    dtCommit: number(c, 'dt_commit'),
    dtDistro: number(c, 'dt_distro', 0),
    dtBuild: number(c, 'dt_build'),
    notes: none(c.notes) ?? '',
  };
}

/** DLRN skips an import when the package's last processed build is at least as new in both commit times. */
export function olderThanBuilt(remote: Pick<RemoteCommit, 'dtCommit' | 'dtDistro'>, last: { dtCommit: number; dtDistro: number } | null): boolean {
  return last !== null && last.dtCommit >= remote.dtCommit && last.dtDistro >= remote.dtDistro;
}
