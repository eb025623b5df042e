/**
 * Git adapter: the git CLI on cached clones, one per repository.
 *
 * A cache is a non-bare clone made with --no-checkout (DLRN's <datadir>/<name>
 * layout) rather than a mirror: upstream branches then live under
 * refs/remotes/origin/*, apart from anything local, and `git fetch --prune`
 * keeps exactly upstream's set, force-pushes included. Nothing reads a work
 * tree: trees are exported per commit (exportTree), so no checkout is ever
 * needed and concurrent readers of different commits don't interfere.
 * Writers (syncClone) must be serialised per directory by the caller.
 */
import { mkdtemp, rename, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { branchFallbackPlan, resolveBranch as resolveBranchPlan, type BranchFallbackConfig } from '../domain/trunk/branches';
import { afterBound, gitLogArgs, parseGitLog } from '../domain/trunk/commit-selection';
import { IGNORED_VERSION_TAGS } from '../domain/trunk/release-number';
import { run, ProcessError, type RunOptions } from './process';

export interface GitOptions {
  signal?: AbortSignal;
  onProgress?: (detail: string) => void;
  timeoutMs?: number;
}

export interface ResolvedBranch {
  /** What git logs: `origin/<branch>`, `refs/tags/<tag>` or a SHA. */
  ref: string;
  /** The branch or tag that won (DLRN's commit_branch). */
  branch: string;
  sha: string;
  /** Commit time (epoch seconds) of sha. */
  ctime: number;
}

export interface CommitInfo {
  sha: string;
  /** Committer time, epoch seconds (git's %ct, DLRN's dt_commit). */
  ctime: number;
}

/** Never prompt for credentials: a missing or private repo must fail, not hang. */
const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', LC_ALL: 'C' };

export async function git(dir: string, args: string[], opts: RunOptions = {}): Promise<string> {
  const { stdout } = await run('git', ['-C', dir, ...args], { ...opts, env: { ...GIT_ENV, ...opts.env } });
  return stdout;
}

const exists = (p: string) => stat(p).then(() => true, () => false);

/** Clones url into dir if it holds no clone yet, else fetches incrementally. */
export async function syncClone(url: string, dir: string, opts: GitOptions = {}): Promise<void> {
  const o = { signal: opts.signal, onProgress: opts.onProgress, timeoutMs: opts.timeoutMs };
  if (await exists(join(dir, '.git'))) {
    const current = (await git(dir, ['remote', 'get-url', 'origin'], o).catch(() => '')).trim();
    // A package whose upstream moved keeps its objects: repoint, don't re-clone.
    if (current !== url) await git(dir, current ? ['remote', 'set-url', 'origin', url] : ['remote', 'add', 'origin', url], o);
    // --force: a re-pointed upstream tag would otherwise make the whole fetch fail.
    await git(dir, ['fetch', '--prune', '--tags', '--force', 'origin'], o);
    return;
  }
  // Clone beside dir and rename, so an interrupted clone never looks like a clone.
  await mkdir(dirname(resolve(dir)), { recursive: true });
  const tmp = await mkdtemp(join(dirname(resolve(dir)), `.${basename(dir)}.clone-`));
  try {
    await git(tmp, ['clone', '--no-checkout', '--quiet', url, '.'], o);
    await rm(dir, { recursive: true, force: true }); // leftovers without .git
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function revParse(dir: string, ref: string): Promise<string | null> {
  try {
    return (await git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch (e) {
    if (e instanceof ProcessError && e.exitCode === 1) return null;
    throw e;
  }
}

/**
 * Which ref DLRN ends up on for a requested branch, with its fallbacks
 * (unmaintained/…, <rel>-eol, master/main, rpm-master): the domain's plan,
 * probed against the clone's refs. A commit SHA is taken as it is.
 */
export async function resolveBranch(dir: string, requested: string, fallback: BranchFallbackConfig = { source: requested, fallbackToMaster: false }): Promise<ResolvedBranch> {
  const refs = new Set((await git(dir, ['for-each-ref', '--format=%(refname)'])).split('\n').filter(Boolean));
  const remote = (b: string) => refs.has(`refs/remotes/origin/${b}`);
  const tagged = (t: string) => refs.has(`refs/tags/${t}`);
  // A --no-checkout clone has only the default branch locally; DLRN's clone tracks origin's.
  const local = (b: string) => refs.has(`refs/heads/${b}`) || remote(b);
  const requestedSha = /^[0-9a-f]{7,64}$/.test(requested) ? await revParse(dir, requested) : null;
  const winner = resolveBranchPlan(requested, fallback, (c) => {
    switch (c.kind) {
      case 'requested': return remote(c.ref) || tagged(c.ref) || refs.has(`refs/heads/${c.ref}`) || requestedSha !== null;
      case 'remote-branch': return remote(c.ref);
      case 'tag': return tagged(c.ref);
      case 'local-branch': return local(c.ref);
      case 'branch': return true;
    }
  });
  const tried = branchFallbackPlan(requested, fallback).candidates.map((c) => `'${c.ref}'`).join(', ');
  if (!winner) throw new Error(`${dir}: none of the branches or tags ${tried} exists in origin`);
  if (winner.kind === 'requested' && requestedSha !== null && !remote(requested) && !tagged(requested)) {
    return { ref: requestedSha, branch: requested, sha: requestedSha, ctime: await commitTime(dir, requestedSha) };
  }
  for (const ref of [`refs/remotes/origin/${winner.ref}`, `refs/tags/${winner.ref}`, `refs/heads/${winner.ref}`]) {
    const sha = await revParse(dir, ref);
    if (sha) return { ref: ref.startsWith('refs/remotes/') ? ref.slice('refs/remotes/'.length) : ref, branch: winner.ref, sha, ctime: await commitTime(dir, sha) };
  }
  throw new Error(`${dir}: none of the branches or tags ${tried} exists in origin`);
}

/** Runs one of the domain's git log commands and parses its `%ct %H` lines, oldest first. */
export async function gitLog(dir: string, args: string[], opts: GitOptions & { tagsOnly?: boolean } = {}): Promise<CommitInfo[]> {
  return parseGitLog(await git(dir, args, { signal: opts.signal }), { tagsOnly: opts.tagsOnly }).map((c) => ({ sha: c.sha, ctime: c.ctime }));
}

/**
 * DLRN's new-commit query, oldest first: with a bound, every first-parent
 * commit of ref whose commit time is >= afterEpoch (git's --after is
 * inclusive); with null, only the tip.
 */
export async function commitsSince(dir: string, ref: string, afterEpoch: number | null, opts: GitOptions = {}): Promise<CommitInfo[]> {
  return gitLog(dir, gitLogArgs(afterEpoch === null ? '-1' : afterBound(afterEpoch), { ref }), opts);
}

/** The newest commit of ref that touches path (a gitrepo package's directory: its distro hash). */
export async function lastCommitTouching(dir: string, ref: string, path: string): Promise<CommitInfo> {
  const out = (await git(dir, ['log', '-1', '--pretty=%ct %H', ref, '--', path])).trim();
  if (!out) throw new Error(`${dir}: no commit of ${ref} touches ${path}`);
  const [ct, sha] = out.split(' ');
  return { sha, ctime: Number(ct) };
}

/** The names of the entries of `subdir` (the top when null) in the tree of `sha`. */
export async function listTree(dir: string, sha: string, subdir: string | null = null): Promise<string[]> {
  const where = subdir ? `${sha}:${subdir.replace(/^\/+|\/+$/g, '')}` : `${sha}^{tree}`;
  return (await git(dir, ['ls-tree', '--name-only', where])).split('\n').filter(Boolean);
}

/**
 * Writes the tree of exactly `sha` into destDir (created if needed), without
 * .git, through a throwaway index: unlike git archive, export-ignore
 * attributes do not apply, so the files are those a checkout (DLRN) sees.
 */
export async function exportTree(dir: string, sha: string, destDir: string, opts: GitOptions = {}): Promise<void> {
  await mkdir(destDir, { recursive: true });
  const tmp = await mkdtemp(join(tmpdir(), 'tf-index-'));
  const o = { signal: opts.signal, env: { GIT_INDEX_FILE: join(tmp, 'index') } };
  try {
    await git(dir, ['read-tree', `${sha}^{tree}`], o);
    await git(dir, ['checkout-index', '--all', '--force', `--prefix=${resolve(destDir)}/`], o);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * The latest tag reachable from sha, null when there is none. Ignores the tags
 * DLRN deletes before describing (private-*, *-em, *-eom, *-eol). The raw tag
 * is returned: stripping a v/V/r/R prefix and DLRN's .Z bump for post-tag
 * commits are the caller's.
 */
export async function describeVersion(dir: string, sha: string): Promise<string | null> {
  const excludes = IGNORED_VERSION_TAGS.flatMap((p) => ['--exclude', p]);
  try {
    return (await git(dir, ['describe', '--tags', '--abbrev=0', ...excludes, sha])).trim() || null;
  } catch (e) {
    if (e instanceof ProcessError && /No names found|No tags can describe|cannot describe/i.test(e.tail)) return null;
    throw e;
  }
}

/** Committer time of a commit, epoch seconds. */
export async function commitTime(dir: string, sha: string): Promise<number> {
  return Number((await git(dir, ['log', '-1', '--pretty=%ct', sha, '--'])).trim());
}

export interface CommitOptions {
  /** Epoch seconds, used as both author and committer date (deterministic history). */
  authorDate?: number;
  author?: { name: string; email: string };
}

const identity = (o: CommitOptions) => {
  const a = o.author ?? { name: 'trunkflow demo', email: 'demo@example.org' };
  return ['-c', `user.name=${a.name}`, '-c', `user.email=${a.email}`];
};
const dateEnv = (o: CommitOptions) =>
  o.authorDate === undefined ? {} : { GIT_AUTHOR_DATE: `@${o.authorDate} +0000`, GIT_COMMITTER_DATE: `@${o.authorDate} +0000` };

/**
 * In a work tree, writes each file (null deletes it), stages everything and
 * commits. Returns the new commit's sha.
 */
export async function commitFile(
  repoDir: string,
  files: Record<string, string | null>,
  message: string,
  opts: CommitOptions = {},
): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(repoDir, path);
    if (content === null) await rm(full, { force: true });
    else {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content);
    }
  }
  await git(repoDir, ['add', '--all']);
  await git(repoDir, [...identity(opts), 'commit', '--quiet', '--allow-empty', '-m', message], { env: dateEnv(opts) });
  return (await git(repoDir, ['rev-parse', 'HEAD'])).trim();
}

/** Creates a lightweight tag. */
export async function tag(repoDir: string, name: string, sha = 'HEAD'): Promise<void> {
  await git(repoDir, ['tag', '--force', name, sha]);
}

/** Pushes HEAD to `branch` of remote (a name or URL), with tags if asked. */
export async function pushBranch(repoDir: string, remote: string, branch: string, opts: { tags?: boolean; force?: boolean } = {}): Promise<void> {
  await git(repoDir, ['push', '--quiet', ...(opts.force ? ['--force'] : []), remote, `HEAD:refs/heads/${branch}`]);
  if (opts.tags) await git(repoDir, ['push', '--quiet', '--force', remote, '--tags']);
}

/** Creates an empty work tree on `branch` (for building demo and test history). */
export async function initWorkTree(dir: string, branch: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await git(dir, ['init', '--quiet', `--initial-branch=${branch}`]);
}

/** Creates an empty bare repository (a local "remote"). */
export async function initBare(dir: string, headBranch: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await git(dir, ['init', '--quiet', '--bare', `--initial-branch=${headBranch}`]);
}
