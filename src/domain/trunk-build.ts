/**
 * What flows between the trunk workflows and their activities: small records
 * of hashes, names and paths (never logs or RPMs, which stay on disk).
 */
import type { BuildStatus, PackageInfo } from './trunk/types';
import { distroBranchFor, sourceBranchFor } from './trunk/branches';

/** A package of a trunk, resolved from rdoinfo. */
export interface TrunkPackage {
  name: string;
  project: string;
  upstream: string;
  distgit: string;
  maintainers: string[];
  component: string | null;
  sourceBranch: string;
  distroBranch: string;
  /** Directory of the spec inside the distgit (DLRN's `distgit-path`; gitrepo packages share one repo). */
  distgitPath: string | null;
  /** DLRN's `build-tags-only`: only tagged upstream commits are built (absent in runs recorded before it was read). */
  buildTagsOnly?: boolean;
  /** rdoinfo's `review-origin`: the repository FTBFS reviews go to (e.g. `ssh://…/openstack/oslo-config-distgit.git`). */
  reviewOrigin?: string | null;
}

/** One (commit_hash, distro_hash, extended_hash) triple of one package to build. */
export interface BuildRequest {
  trunk: string;
  release: string;
  packageName: string;
  project: string;
  commitHash: string;
  distroHash: string;
  extendedHash: string | null;
  dtCommit: number;
  dtDistro: number;
  commitBranch: string;
  component: string | null;
  maintainers: string[];
}

/** What one build attempt produced. */
export interface BuildAttempt {
  ok: boolean;
  /** Epoch seconds the attempt started (DLRN's dt_build). */
  dtBuild: number;
  /** Repo dir relative to the trunk's repos/ (the sharded commit dir). */
  repoDir: string;
  /** Built RPMs, relative to the trunk's repos/ (DLRN's `artifacts`). */
  rpms: string[];
  nvr: string | null;
  /** Build log, relative to the trunk's repos/. */
  logPath: string;
  /** On failure: RETRY for a known transient error with retries left, else FAILED. */
  /** The log itself stays in the repo dir (logPath): histories carry paths, not logs. */
  failure?: { status: Exclude<BuildStatus, 'SUCCESS'>; reason: string };
}

/** Sent by a build workflow to its trunk workflow when it is done building. */
export interface BuildOutcome {
  request: BuildRequest;
  buildWorkflowId: string;
  /** CANCELLED: the build workflow was cancelled; nothing is recorded. */
  status: 'SUCCESS' | 'FAILED' | 'CANCELLED';
  attempt: BuildAttempt | null;
  retries: number;
}

/** What post-build did, returned to the build workflow. */
export interface PostBuildResult {
  status: 'SUCCESS' | 'FAILED' | 'CANCELLED';
  commitId: number | null;
  repoUrl: string | null;
  currentMoved: boolean;
  consistentMoved: boolean;
  /** Packages whose latest build is not SUCCESS, DLRN's `failures`. */
  failures: number;
  /** FAILED only: the maintainers have not been mailed within 24 h (DLRN's throttle). */
  mailDue: boolean;
  /** FAILED only: the previous build was SUCCESS or there was none, so a review is opened. */
  reviewDue: boolean;
  mailed: boolean;
  reviewUrl: string | null;
}

export function buildKey(r: Pick<BuildRequest, 'packageName' | 'commitHash' | 'distroHash' | 'extendedHash'>): string {
  return `${r.packageName}:${r.commitHash}_${r.distroHash}${r.extendedHash ? `_${r.extendedHash}` : ''}`;
}

/** A package entry as a package-info driver lists it: DLRN's keys (name, upstream, master-distgit, maintainers, …). */
export type PackageEntry = PackageInfo & {
  project?: string;
  maintainers?: string[];
  'distgit-path'?: string;
  [key: string]: unknown;
};

/**
 * One package of a trunk from a driver's entry: the package's own
 * `source-branch`/`distro-branch` win over the trunk's (DLRN's
 * getsourcebranch/getdistrobranch), and a missing project is the name's.
 */
export function trunkPackageOf(entry: PackageEntry, defaults: { sourceBranch: string; distroBranch: string }): TrunkPackage {
  if (!entry.upstream) throw new Error(`package ${entry.name}: no upstream`);
  if (!entry['master-distgit']) throw new Error(`package ${entry.name}: no master-distgit`);
  return {
    name: entry.name,
    project: entry.project ?? entry.name,
    upstream: entry.upstream,
    distgit: entry['master-distgit'],
    maintainers: entry.maintainers ?? [],
    component: entry.component ?? null,
    sourceBranch: sourceBranchFor(entry, defaults.sourceBranch),
    distroBranch: distroBranchFor(entry, defaults.distroBranch),
    distgitPath: entry['distgit-path'] ?? null,
    buildTagsOnly: buildsTagsOnly(entry),
    reviewOrigin: typeof entry['review-origin'] === 'string' ? entry['review-origin'] : null,
  };
}

/**
 * DLRN's `buildtagsonly`: the package has a `build-tags-only` key, or a tag
 * of that name in its `tags` (rdoinfo's way of marking it for some releases).
 */
export function buildsTagsOnly(entry: PackageEntry): boolean {
  const tags = entry.tags;
  const inTags = tags !== null && typeof tags === 'object' && !Array.isArray(tags) && Object.hasOwn(tags, 'build-tags-only');
  return inTags || Object.hasOwn(entry, 'build-tags-only');
}

/**
 * Timeouts, retry intervals and limits of a trunk's workflows, from the
 * configuration (`trunks[].timeouts`), handed to each workflow in its input.
 */
export interface TrunkTimeouts {
  build: {
    /** A build host silent this long is presumed dead; its build moves to another host. */
    heartbeatSeconds: number;
    startToCloseMinutes: number;
    /** First wait before a build activity lost to an infrastructure error is tried again. */
    retryInitialSeconds: number;
    retryMaximumSeconds: number;
    maximumAttempts: number;
    /** First wait before a RETRY (a known transient build error) is built again; doubles each time. */
    retryBaseSeconds: number;
  };
  discovery: {
    heartbeatSeconds: number;
    startToCloseMinutes: number;
    /** Packages whose git repositories are refreshed at once. */
    concurrency: number;
  };
  postBuild: {
    startToCloseMinutes: number;
    retryInitialSeconds: number;
    retryMaximumSeconds: number;
  };
  /** How many recently finished builds the trunk remembers, to drop late duplicate triggers. */
  recentBuilds: number;
}

/** What `recheck` answers (DLRN's /api/recheck_package): done, or why not with DLRN's HTTP status and message. */
export type RecheckAnswer =
  | { rechecked: true; packageName: string; deletedRowId: number; explanation: string }
  | { rechecked: false; packageName: string; httpStatus: 400 | 409 | 500; explanation: string };
