/**
 * Post-build activities (DLRN's post_build + process_build_result): the repo
 * dir's links, versions.csv and repodata, prepared as soon as a build reports;
 * then, one at a time per trunk, the build row, any catch-up of the dir, the
 * .repo file, commit.yaml and the `current`/`consistent` links.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pool } from 'pg';
import { findTrunk, type Config } from '../config';
import * as commits from '../db/commits';
import { withTransaction } from '../db/pool';
import { lastEmail } from '../db/projects';
import { shouldSendMail } from '../domain/notifications';
import type { BuildAttempt, BuildOutcome, BuildRequest, PostBuildResult } from '../domain/trunk-build';
import { computeFailures, latestStatusByPackage, symlinkDecision } from '../domain/trunk/consistency';
import { buildVersionsCsvRows, commitYaml, repoFileContent, versionsCsv } from '../domain/trunk/repo-files';
import { aggregateComponentRepos } from './aggregate';
import { heartbeat } from './context';
import { cloneDirs, trunkBaseurl, trunkPaths } from './layout';
import type { PackageSource } from './pkginfo/source';
import type { ReportWriter } from './reports';
import { atomicSymlink, createRepo } from './repos';

export interface PostBuildDeps {
  pool: Pool;
  config: Config;
  packages: PackageSource;
  reports: ReportWriter;
}

export function createPostBuildActivities(deps: PostBuildDeps) {
  const { pool, config } = deps;

  /** The `commits` row of one build attempt (DLRN's repo_dir/distgit_dir are the clones). */
  const commitRow = (req: BuildRequest, attempt: BuildAttempt, status: commits.CommitInsert['status'], notes: string): commits.CommitInsert => {
    const dirs = cloneDirs(config, req.trunk, req.packageName);
    return {
      trunk: req.trunk, projectName: req.packageName, commitHash: req.commitHash, distroHash: req.distroHash,
      extendedHash: req.extendedHash, dtCommit: req.dtCommit, dtDistro: req.dtDistro, dtExtended: 0, dtBuild: attempt.dtBuild,
      repoDir: dirs.upstream, distgitDir: dirs.distgit, commitBranch: req.commitBranch,
      status, component: req.component, artifacts: null, notes, versionsCsv: null,
    };
  };

  /**
   * DLRN's export_commit_yaml, for every recorded build whatever its status:
   * the row as stored, with dt_commit a float as DLRN's own builds dump it.
   * FAILED and RETRY builds also get notes.log (the row's notes), as DLRN writes it.
   */
  function writeCommitFiles(outDir: string, id: number, row: commits.CommitInsert): void {
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'commit.yaml'), commitYaml({
      id, type: 'rpm', status: row.status, projectName: row.projectName, commitHash: row.commitHash,
      distroHash: row.distroHash, extendedHash: row.extendedHash, dtCommit: row.dtCommit, dtBuild: row.dtBuild,
      commitBranch: row.commitBranch, component: row.component, artifacts: row.artifacts, dtDistro: row.dtDistro,
      dtExtended: row.dtExtended, repoDir: row.repoDir, distgitDir: row.distgitDir, notes: row.notes, flags: 0, versionsCsv: row.versionsCsv,
    }, { dtCommitAsFloat: true }));
    if (row.status !== 'SUCCESS') fs.writeFileSync(path.join(outDir, 'notes.log'), row.notes);
  }

  /** Records a RETRY or FAILED attempt once, with its commit.yaml and notes.log. */
  async function recordUnsuccessful(req: BuildRequest, attempt: BuildAttempt, status: 'RETRY' | 'FAILED', fallbackNote: string): Promise<number> {
    const row = commitRow(req, attempt, status, attempt.failure?.reason ?? fallbackNote);
    const id = await commits.insertCommitOnce(pool, row);
    writeCommitFiles(path.join(trunkPaths(config, req.trunk).repos, attempt.repoDir), id, row);
    return id;
  }

  /** The links each repo dir was last completed with, by this worker (a post-build usually follows its preparation here). */
  const prepared = new Map<string, string>();

  /**
   * What a build's repo dir holds besides its own RPMs, from the database:
   * versions.csv's rows and the other packages' RPMs it links (their latest
   * success); linkBase is where its `current`/`consistent` live.
   */
  async function repoDirPlan(req: BuildRequest, attempt: BuildAttempt, ahead: readonly BuildOutcome[] = []) {
    const t = findTrunk(config, req.trunk);
    const reposDir = trunkPaths(config, req.trunk).repos;
    // Counted first: a row recorded while the rest is read has a higher id, so a later check sees it.
    const stats = await commits.trunkRowStats(pool, req.trunk);
    const [packages, others, latest] = await Promise.all([
      deps.packages.packages(req.trunk), commits.latestSuccessPerProject(pool, req.trunk), commits.latestPerProject(pool, req.trunk),
    ]);
    // Builds the trunk post-builds before this one count as recorded: their rows will be the newest.
    const foreseen = aheadRows(ahead);
    let nextId = Math.max(stats.maxId, ...latest.map((r) => r.id)) + 1;
    for (const o of ahead) {
      if (!o.attempt || (o.status !== 'SUCCESS' && o.status !== 'FAILED') || o.request.packageName === req.packageName) continue;
      const row = {
        ...commitRow(o.request, o.attempt, o.status, ''), id: nextId++, type: 'rpm',
        artifacts: o.status === 'SUCCESS' ? o.attempt.rpms.join(',') : null, dtBuild: o.attempt.dtBuild,
      };
      if (o.status === 'SUCCESS') others.push(row);
      latest.push(row);
    }
    const csv = buildVersionsCsvRows({
      built: { projectName: req.packageName, type: 'rpm', commitHash: req.commitHash, distroHash: req.distroHash,
        extendedHash: req.extendedHash, component: req.component, dtBuild: attempt.dtBuild },
      builtRpms: attempt.rpms,
      packages: packages.map((p) => ({ name: p.name, upstream: p.upstream, 'master-distgit': p.distgit, component: p.component })),
      rows: [...others, ...latest].filter((r) => r.projectName !== req.packageName),
      useComponents: t.useComponents,
    });
    const linkBase = t.useComponents && req.component ? path.join(reposDir, 'component', req.component) : reposDir;
    return { t, packages, latest, csv, linkBase, stats, foreseen };
  }

  /** The rows the trunk's post-builds of `ahead` will record, in order (what a prepared plan assumed). */
  function aheadRows(ahead: readonly BuildOutcome[]): string[] {
    return ahead.filter((o) => o.attempt && (o.status === 'SUCCESS' || o.status === 'FAILED'))
      .map((o) => `${o.request.packageName}:${o.request.commitHash}:${o.request.distroHash}:${o.request.extendedHash ?? ''}:${o.status}`);
  }

  /** Plans made by prepareRepoDir on this worker, by repo dir: its post-build reuses one that still holds. */
  const plans = new Map<string, Awaited<ReturnType<typeof repoDirPlan>>>();

  /**
   * The plan of a build's repo dir at its post-build: the prepared one when
   * exactly the rows it foresaw were recorded since (none deleted, nothing
   * else added: one small query), else made again from the database.
   */
  async function postBuildPlan(req: BuildRequest, attempt: BuildAttempt, outDir: string) {
    const plan = plans.get(outDir);
    plans.delete(outDir);
    if (plan) {
      const [since, stats] = await Promise.all([commits.rowsSince(pool, req.trunk, plan.stats.maxId), commits.trunkRowStats(pool, req.trunk)]);
      const recorded = since.map((r) => `${r.projectName}:${r.commitHash}:${r.distroHash}:${r.extendedHash ?? ''}:${r.status}`);
      if (stats.count === plan.stats.count + since.length && recorded.join('\n') === plan.foreseen.join('\n')) return { ...plan, reused: true };
    }
    return { ...(await repoDirPlan(req, attempt)), reused: false };
  }

  /**
   * Brings a repo dir's links to the other packages' RPMs in line with
   * `artifacts` and its repodata with its RPMs. A dir prepared ahead
   * (prepareRepoDir) needs only the links of packages built since, and no
   * createrepo_c run at all when there are none; metadata of unchanged RPMs
   * is reused, from the dir itself or from the repo `current` points at.
   */
  async function completeRepoDir(req: BuildRequest, outDir: string, artifacts: string[], linkBase: string): Promise<void> {
    const t = findTrunk(config, req.trunk);
    const linkSet = [...artifacts].sort().join('\n');
    const complete = () => fs.existsSync(path.join(outDir, 'repodata', 'repomd.xml'));
    // Prepared by this worker with the same links: nothing to look at again.
    if (prepared.get(outDir) === linkSet && complete()) return;
    const changed = await syncRepoLinks(outDir, trunkPaths(config, req.trunk).repos, artifacts);
    if (changed || !complete()) {
      const previous = await fs.promises.realpath(path.join(linkBase, 'current')).catch(() => null);
      heartbeat('createrepo_c');
      await createRepo(outDir, {
        includeSrpm: t.includeSrpmInRepo, database: t.repoDatabase, reuseFrom: previous && previous !== fs.realpathSync(outDir) ? previous : undefined,
      });
    }
    remember(prepared, outDir, linkSet);
  }

  return {
    /**
     * Run by the trunk as soon as a build is done, beside other post-builds:
     * links the other packages' latest RPMs, counting the successes the trunk
     * will post-build before this one (`ahead`), and writes the repodata, so
     * the post-build (one at a time per trunk) finds the dir complete and only
     * catches up if something else changed meanwhile.
     */
    async prepareRepoDir(outcome: BuildOutcome, ahead: BuildOutcome[]): Promise<void> {
      const { request: req, attempt } = outcome;
      if (outcome.status !== 'SUCCESS' || !attempt) return;
      const outDir = path.join(trunkPaths(config, req.trunk).repos, attempt.repoDir);
      const plan = await repoDirPlan(req, attempt, ahead);
      fs.writeFileSync(path.join(outDir, 'versions.csv'), versionsCsv(plan.csv.rows));
      await completeRepoDir(req, outDir, plan.csv.symlinkArtifacts, plan.linkBase);
      remember(plans, outDir, plan);
    },

    /**
     * The trunk's report pages, written beside its post-builds: one write
     * covers every post-build done since the last, so the pages cost once per
     * burst of builds instead of once per build.
     */
    async writeTrunkReports(trunk: string): Promise<void> {
      await deps.reports.writeReports(trunk);
    },

    /** A transient failure with retries left: a RETRY row, as DLRN adds one per retry. */
    async recordRetry(req: BuildRequest, attempt: BuildAttempt): Promise<number> {
      return recordUnsuccessful(req, attempt, 'RETRY', 'retry');
    },

    /**
     * Records a finished build and completes its repo dir: links to every
     * other package's latest RPMs, versions.csv, repodata, .repo, commit.yaml;
     * then moves `current` and, when every package is green, `consistent`.
     */
    async postBuild(outcome: BuildOutcome, opts: { writeReports?: boolean } = {}): Promise<PostBuildResult> {
      // Trunks that write their reports beside the post-builds (writeTrunkReports) pass false.
      const writeReports = opts.writeReports ?? true;
      const result: PostBuildResult = {
        status: outcome.status, commitId: null, repoUrl: null, currentMoved: false, consistentMoved: false,
        failures: 0, mailDue: false, reviewDue: false, mailed: false, reviewUrl: null,
      };
      if (outcome.status === 'CANCELLED' || !outcome.attempt) return result;
      const req = outcome.request;
      const t = findTrunk(config, req.trunk);
      const paths = trunkPaths(config, req.trunk);
      const attempt = outcome.attempt;
      const outDir = path.join(paths.repos, attempt.repoDir);
      const packages = await deps.packages.packages(req.trunk);
      const baseurl = trunkBaseurl(config, t);

      if (outcome.status === 'FAILED') {
        const previous = (await commits.packageRows(pool, req.trunk, req.packageName)).filter((r) => r.status !== 'RETRY').pop();
        result.commitId = await recordUnsuccessful(req, attempt, 'FAILED', 'build failed');
        result.reviewDue = t.reviews && (!previous || previous.status === 'SUCCESS');
        result.mailDue = Boolean(config.mail.host) && shouldSendMail(await lastEmail(pool, req.packageName), Math.floor(Date.now() / 1000));
        result.failures = -1;
        if (writeReports) await deps.reports.writeReports(req.trunk);
        return result;
      }

      const { csv, linkBase, latest, reused } = await postBuildPlan(req, attempt, outDir);
      if (!reused) fs.writeFileSync(path.join(outDir, 'versions.csv'), versionsCsv(csv.rows));
      await completeRepoDir(req, outDir, csv.symlinkArtifacts, linkBase);
      prepared.delete(outDir);
      fs.writeFileSync(path.join(outDir, `${t.reponame}.repo`), repoFileContent({
        reponame: t.reponame, project: req.packageName, commitHash: req.commitHash, baseurl,
        shardedDir: attempt.repoDir, component: req.component, useComponents: t.useComponents,
      }));
      // versions_csv stays NULL: DLRN fills it only for its downstream driver (the source's versions.csv URL).
      const row = { ...commitRow(req, attempt, 'SUCCESS', 'OK'), artifacts: attempt.rpms.join(',') };
      const failures = computeFailures({
        packages: packages.map((p) => ({ name: p.name, component: p.component })),
        built: { name: req.packageName, component: req.component },
        latestStatus: latestStatusByPackage(latest.filter((r) => r.projectName !== req.packageName)),
        useComponents: t.useComponents,
      });
      const links = symlinkDecision({ buildSucceeded: true, failures: failures.failures });
      result.failures = failures.failures;
      // The row and the consistent vote land together.
      result.commitId = await withTransaction(pool, async (client) => {
        const existing = await commits.findCommit(client, row);
        if (existing !== null) return existing; // a retried post-build: recorded already, with its vote
        const id = await commits.insertCommit(client, row);
        if (links.recordConsistentVote) {
          await commits.insertVote(client, { commitId: id, ciName: 'consistent', vote: true, timestamp: attempt.dtBuild, component: req.component });
        }
        return id;
      });
      writeCommitFiles(outDir, result.commitId, row);
      // Links move last, once the directory is complete: new link, then rename.
      fs.mkdirSync(linkBase, { recursive: true });
      const target = path.relative(linkBase, outDir);
      if (links.moveCurrent) {
        await atomicSymlink(target, path.join(linkBase, 'current'));
        result.currentMoved = true;
      }
      if (links.moveConsistent) {
        await atomicSymlink(target, path.join(linkBase, 'consistent'));
        result.consistentMoved = true;
      }
      if (t.useComponents) {
        await aggregateComponentRepos(deps, req.trunk, result.consistentMoved ? ['current', 'consistent'] : ['current']);
      }
      result.repoUrl = `${baseurl}/${attempt.repoDir}`;
      if (writeReports) await deps.reports.writeReports(req.trunk);
      return result;
    },
  };
}

/**
 * Makes a repo dir's symlinked RPMs exactly `artifacts` (relative links, as
 * DLRN makes them): links that are missing are added, links to RPMs no longer
 * wanted (a package built again since) removed; the dir's own RPMs, regular
 * files, are left alone. Returns whether anything changed. Thousands of links
 * per new dir at rdoinfo scale: issued concurrently.
 */
async function syncRepoLinks(outDir: string, reposDir: string, artifacts: string[]): Promise<boolean> {
  const wanted = new Map(artifacts.map((a) => [path.basename(a), path.relative(outDir, path.join(reposDir, a.replace(/^repos\//, '')))]));
  const entries = await fs.promises.readdir(outDir, { withFileTypes: true });
  const linked = new Set(entries.filter((e) => e.isSymbolicLink() && e.name.endsWith('.rpm')).map((e) => e.name));
  const stale = [...linked].filter((name) => !wanted.has(name));
  const missing = [...wanted].filter(([name]) => !linked.has(name));
  const BATCH = 512;
  for (let i = 0; i < stale.length; i += BATCH) {
    await Promise.all(stale.slice(i, i + BATCH).map((name) => fs.promises.rm(path.join(outDir, name), { force: true })));
  }
  for (let i = 0; i < missing.length; i += BATCH) {
    await Promise.all(missing.slice(i, i + BATCH).map(async ([name, target]) => {
      try {
        await fs.promises.symlink(target, path.join(outDir, name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // a regular file of that name: the dir's own RPM
      }
    }));
  }
  return stale.length > 0 || missing.length > 0;
}

/** Keeps at most 64 entries, the oldest going first: builds post-built by another worker leave theirs behind. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > 64) map.delete(map.keys().next().value as string);
}

export type PostBuildActivities = ReturnType<typeof createPostBuildActivities>;
