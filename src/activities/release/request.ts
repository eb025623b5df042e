/**
 * Step 1 of a release, as activities: read and validate a merged release
 * request, push its annotated (optionally signed) tags and its branches to the
 * project repositories, and render the releases site.
 */
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import type { Config } from '../../config';
import { parseDeliverable, parseSeriesStatus, type Deliverable } from '../../domain/release/deliverable';
import { renderReleasesSite } from '../../domain/release/site';
import { deliverablePaths, reviewMetaLines, skipReason, tagAndBranchRequests, type BranchRequest, type TagRequest } from '../../domain/release/tagging';
import { formatFinding } from '../../domain/release/validate';
import { exportTree, git, syncClone } from '../git';
import { ProcessError } from '../process';
import { createLocalGitRepos } from './localgit-repos';
import { withLock } from './locks';
import type { RepoLookupDriver } from './repo-driver';
import { readYamlFile, validateFiles } from './validate-files';

export interface ReleaseRequestPlan {
  commit: string;
  /** Deliverable files the merge changed. */
  files: string[];
  /** Validation errors, `<file>: <check>: <message>`; nothing is tagged when there are any. */
  errors: string[];
  warnings: string[];
  skipped: Array<{ file: string; reason: string }>;
  tags: TagRequest[];
  branches: BranchRequest[];
}

export type TagOutcome = { repo: string; version: string; outcome: 'tagged' | 'exists'; sha: string };
export type BranchOutcome = { repo: string; branch: string; outcome: 'created' | 'exists' };

export interface ReleaseActivityDeps {
  config: Config;
  repos?: RepoLookupDriver;
}


/** Heartbeats when running as an activity (the functions are also called directly, by the CLI and tests). */
function beat(): void {
  try {
    heartbeat();
  } catch {
    // not in an activity context
  }
}

const nonRetryable = (message: string, type: string) => ApplicationFailure.create({ message, type, nonRetryable: true });

/** A ref of a remote (`refs/tags/x`), peeled to its commit; null when absent. */
async function remoteRef(dir: string, ref: string): Promise<string | null> {
  const out = await git(dir, ['ls-remote', 'origin', ref, `${ref}^{}`]);
  const rows = out.split('\n').filter(Boolean).map((l) => l.split('\t'));
  const peeled = rows.find((r) => r[1] === `${ref}^{}`);
  const plain = rows.find((r) => r[1] === ref);
  return (peeled ?? plain)?.[0] ?? null;
}

/** Every deliverable file of a releases tree, by series directory (newest series first, `_independent` last). */
async function readAllDeliverables(tree: string): Promise<Array<{ name: string; deliverables: Deliverable[] }>> {
  const root = path.join(tree, 'deliverables');
  const dirs = (await readdir(root, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name);
  const order = parseSeriesStatus(await readYamlFile(path.join(tree, 'data', 'series_status.yaml')).catch(() => [])).map((s) => s.name);
  const rank = (d: string) => (d.startsWith('_') ? 1e6 : order.indexOf(d) === -1 ? 1e5 : order.indexOf(d));
  const out = [];
  for (const dir of dirs.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))) {
    const files = (await readdir(path.join(root, dir))).filter((f) => f.endsWith('.yaml')).sort();
    const deliverables: Deliverable[] = [];
    for (const f of files) {
      const file = path.join('deliverables', dir, f);
      deliverables.push(parseDeliverable(file, await readYamlFile(path.join(tree, file))));
    }
    out.push({ name: dir, deliverables });
  }
  return out;
}

export function createReleaseActivities(deps: ReleaseActivityDeps) {
  const r = deps.config.release;
  const repos = deps.repos ?? createLocalGitRepos(r.repos.root);
  const releasesClone = path.join(r.workDir, 'clones', 'releases');
  const projectClone = (repo: string) => path.join(r.workDir, 'clones', 'projects', repo);
  const gitIdentity = ['-c', `user.name=${r.tagger.name}`, '-c', `user.email=${r.tagger.email}`];
  const gpgEnv = r.gnupgHome ? { GNUPGHOME: r.gnupgHome } : undefined;

  /** The releases repository's tree at commit, exported into a scratch directory (removed by the caller). */
  async function releasesTree(commit: string): Promise<string> {
    await withLock(releasesClone, () => syncClone(r.releasesRepo, releasesClone));
    await mkdir(r.workDir, { recursive: true });
    const tree = await mkdtemp(path.join(r.workDir, 'tree-'));
    try {
      await exportTree(releasesClone, commit, tree);
    } catch (e) {
      await rm(tree, { recursive: true, force: true });
      if (e instanceof ProcessError) throw nonRetryable(`${r.releasesRepo}: commit ${commit} not found`, 'ReleaseRequestNotFound');
      throw e;
    }
    return tree;
  }

  async function locate(repo: string): Promise<string> {
    const found = await repos.locate(repo);
    if (!found) throw nonRetryable(`${repo}: repository not found by the ${repos.name} driver`, 'RepositoryNotFound');
    return found.url;
  }

  return {
    /** Reads the merge commit of a release request: changed deliverable files, their validation, and the tags and branches to make. */
    async prepareReleaseRequest(input: { commit: string }): Promise<ReleaseRequestPlan> {
      const tree = await releasesTree(input.commit);
      try {
        const parents = (await git(releasesClone, ['rev-list', '--parents', '-n', '1', input.commit])).trim().split(' ').slice(1);
        const changed = parents.length
          ? await git(releasesClone, ['diff', '--name-only', parents[0], input.commit])
          : await git(releasesClone, ['show', '--name-only', '--format=', input.commit]);
        const files = deliverablePaths(changed.split('\n').filter(Boolean));
        const plan: ReleaseRequestPlan = { commit: input.commit, files, errors: [], warnings: [], skipped: [], tags: [], branches: [] };
        const reports = await validateFiles(files.map((f) => path.join(tree, f)), { repos, currentSeries: r.currentSeries });
        const rel = (abs: string) => path.relative(tree, abs);
        for (const report of reports) {
          if (report.notChecked) plan.skipped.push({ file: rel(report.file), reason: report.notChecked });
          for (const f of report.findings) {
            if (f.level === 'error') plan.errors.push(formatFinding(rel(report.file), f));
            if (f.level === 'warning') plan.warnings.push(formatFinding(rel(report.file), f));
          }
        }
        if (plan.errors.length) return plan;
        // The review audit trail (Gerrit's refs/notes/review on the change merged as the second parent), when there is one.
        let reviewLines: string[] = [];
        if (parents.length > 1) {
          await git(releasesClone, ['fetch', '--quiet', 'origin', '+refs/notes/review:refs/notes/review']).catch(() => undefined);
          reviewLines = reviewMetaLines(await git(releasesClone, ['show', '--no-patch', '--format=full', '--show-notes=review', parents[1]]));
        }
        const series = parseSeriesStatus(await readYamlFile(path.join(tree, 'data', 'series_status.yaml')).catch(() => []));
        for (const file of files) {
          const raw = await readYamlFile(path.join(tree, file)).catch(() => undefined);
          if (raw === undefined) continue; // deleted: reported by validation already
          const d = parseDeliverable(file, raw);
          const why = skipReason(d, series);
          if (why) {
            plan.skipped.push({ file, reason: why });
            continue;
          }
          const { tags, branches } = tagAndBranchRequests(d, file, series, reviewLines, r.currentSeries);
          plan.tags.push(...tags);
          plan.branches.push(...branches);
        }
        return plan;
      } finally {
        await rm(tree, { recursive: true, force: true });
      }
    },

    /**
     * Pushes one annotated tag (signed when a key is configured). A tag already
     * on that commit is left as it is; on another commit, or with the commit
     * missing, nothing is tagged and the error is final.
     */
    async tagRelease(t: TagRequest): Promise<TagOutcome> {
      const url = await locate(t.repo);
      const dir = projectClone(t.repo);
      return withLock(dir, async () => {
        await syncClone(url, dir);
        beat();
        const present = await git(dir, ['cat-file', '-e', `${t.hash}^{commit}`]).then(() => true, () => false);
        if (!present) throw nonRetryable(`${t.repo}: commit ${t.hash} of ${t.version} does not exist; no tag made`, 'MissingCommit');
        const existing = await remoteRef(dir, `refs/tags/${t.version}`);
        if (existing === t.hash) return { repo: t.repo, version: t.version, outcome: 'exists', sha: t.hash };
        if (existing) throw nonRetryable(`${t.repo}: tag ${t.version} already exists on commit ${existing}, not on ${t.hash}`, 'TagOnOtherCommit');
        // A tag left by an attempt whose push failed is made again from scratch.
        await git(dir, ['tag', '-d', t.version]).catch(() => undefined);
        const sign = r.signingKey ? ['-c', `user.signingkey=${r.signingKey}`] : [];
        await git(dir, [...gitIdentity, ...sign, 'tag', r.signingKey ? '-s' : '-a', '-m', t.message, t.version, t.hash], { env: gpgEnv });
        await git(dir, ['push', '--quiet', 'origin', `refs/tags/${t.version}`]);
        return { repo: t.repo, version: t.version, outcome: 'tagged', sha: t.hash };
      });
    },

    /** Creates a branch at its commit unless it exists already (make_branch.sh's first rule). */
    async createReleaseBranch(b: BranchRequest): Promise<BranchOutcome> {
      const url = await locate(b.repo);
      const dir = projectClone(b.repo);
      return withLock(dir, async () => {
        await syncClone(url, dir);
        if (await remoteRef(dir, `refs/heads/${b.branch}`)) return { repo: b.repo, branch: b.branch, outcome: 'exists' };
        const present = await git(dir, ['cat-file', '-e', `${b.hash}^{commit}`]).then(() => true, () => false);
        if (!present) throw nonRetryable(`${b.repo}: commit ${b.hash} for branch ${b.branch} does not exist`, 'MissingCommit');
        await git(dir, ['push', '--quiet', 'origin', `${b.hash}:refs/heads/${b.branch}`]);
        return { repo: b.repo, branch: b.branch, outcome: 'created' };
      });
    },

    /**
     * The release requests merged since the last poll: first-parent commits of
     * the releases branch, oldest first. The first poll only records where the
     * branch is (what merged before trunkflow watched is not replayed).
     */
    async newReleaseRequestCommits(): Promise<string[]> {
      return withLock(releasesClone, async () => {
        await syncClone(r.releasesRepo, releasesClone);
        const head = (await git(releasesClone, ['rev-parse', `refs/remotes/origin/${r.releasesBranch}`])).trim();
        const cursor = 'refs/trunkflow/polled';
        const last = (await git(releasesClone, ['rev-parse', '--verify', '--quiet', cursor]).catch(() => '')).trim();
        const commits = last ? (await git(releasesClone, ['rev-list', '--first-parent', '--reverse', `${last}..${head}`])).split('\n').filter(Boolean) : [];
        await git(releasesClone, ['update-ref', cursor, head]);
        return commits;
      });
    },

    /** Renders the releases site from the releases repository at commit and swaps it in whole. */
    async publishReleasesSite(input: { commit: string }): Promise<{ dir: string; pages: number }> {
      const tree = await releasesTree(input.commit);
      try {
        const pages = renderReleasesSite(await readAllDeliverables(tree), r.tarballsUrl);
        const parent = path.dirname(r.siteDir);
        await mkdir(parent, { recursive: true });
        const fresh = await mkdtemp(path.join(parent, '.site-'));
        for (const [rel, html] of Object.entries(pages)) {
          await mkdir(path.dirname(path.join(fresh, rel)), { recursive: true });
          await writeFile(path.join(fresh, rel), html);
        }
        const old = `${fresh}.old`;
        await rename(r.siteDir, old).catch(() => undefined);
        await rename(fresh, r.siteDir);
        await rm(old, { recursive: true, force: true });
        return { dir: r.siteDir, pages: Object.keys(pages).length };
      } finally {
        await rm(tree, { recursive: true, force: true });
      }
    },
  };
}

export type ReleaseActivities = ReturnType<typeof createReleaseActivities>;
