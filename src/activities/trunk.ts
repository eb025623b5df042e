import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { findTrunk, type Config, type TrunkConfig } from '../config';
import { packagesForRelease } from '../domain/rdoinfo';
import type { BuildAttempt, BuildOutcome, BuildRequest, PostBuildResult, RecheckAnswer, TrunkPackage } from '../domain/trunk-build';
import { branchFallbackRefs } from '../domain/trunk/branches';
import { classifyBuildFailure, findKnownError } from '../domain/trunk/build-errors';
import { newCommitsToBuild, planGitLog, shouldRecheck } from '../domain/trunk/commit-selection';
import { computeFailures, latestStatusByPackage } from '../domain/trunk/consistency';
import { shardedCommitDir } from '../domain/trunk/hashes';
import { parseSpecVersion, releaseString, tagBasedVersion } from '../domain/trunk/release-number';
import { aggregateComponents, aggregateRepoFiles, buildVersionsCsvRows, commitYaml, repoFileContent, versionsCsv } from '../domain/trunk/repo-files';
import { packageStatuses, reportHtml, statusReportCsv, statusReportHtml } from '../domain/trunk/reports';
import { lastLines, shouldSendMail } from '../domain/notifications';
import { createBuildDriver } from './build/driver';
import { buildSrpm } from './build/srpm';
import { withTransaction } from '../db/pool';
import * as db from './commits-db';
import { generateDemoTrunk } from './demo';
import { commitsSince, describeVersion, exportTree, git, resolveBranch, syncClone } from './git';
import { createMailer } from './mail';
import { loadRdoinfoDir } from './rdoinfo-files';
import { atomicSymlink, createRepo } from './repos';
import { createReviewDriver } from './review/driver';

/** DLRN shows the latest 300 builds in report.html. */
const REPORT_LENGTH = 300;

export interface TrunkActivityDeps {
  pool: Pool;
  config: Config;
}

/** Where one trunk keeps its files. */
export function trunkPaths(config: Config, trunk: string) {
  return {
    repos: path.join(config.paths.repos, trunk),
    git: path.join(config.paths.data, 'git', trunk),
    work: path.join(config.paths.data, 'work', trunk),
    demo: path.join(config.paths.data, 'demo'),
  };
}

export function trunkBaseurl(config: Config, t: TrunkConfig): string {
  return t.baseurl ?? `${config.http.publicUrl}/repos/${t.name}`;
}

function heartbeat(detail: string): void {
  try {
    Context.current().heartbeat(detail);
  } catch {
    // Called outside an activity (tests, CLI): nothing to report to.
  }
}

function cancellationSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

// git refuses two fetches into one clone at once: refreshes of a directory take turns.
const cloneLocks = new Map<string, Promise<unknown>>();
function lockedSyncClone(url: string, dir: string, signal?: AbortSignal): Promise<void> {
  const previous = cloneLocks.get(dir) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => syncClone(url, dir, { signal }));
  cloneLocks.set(dir, next);
  void next.finally(() => {
    if (cloneLocks.get(dir) === next) cloneLocks.delete(dir);
  }).catch(() => undefined);
  return next;
}

/** Fetches only when the clone lacks the commit: discovery usually fetched it moments ago. */
async function ensureCommit(url: string, dir: string, sha: string, signal?: AbortSignal): Promise<void> {
  if (fs.existsSync(path.join(dir, '.git'))) {
    const present = await git(dir, ['cat-file', '-e', `${sha}^{commit}`]).then(() => true, () => false);
    if (present) return;
  }
  await lockedSyncClone(url, dir, signal);
}

/** Activities of the trunk builder, wired to the database and the configuration. */
export function createTrunkActivities(deps: TrunkActivityDeps) {
  const { pool, config } = deps;

  const trunkConfig = (name: string): TrunkConfig => findTrunk(config, name);

  // rdoinfo is re-read at most once a minute per trunk: post-builds need the package list too.
  const packageCache = new Map<string, { at: number; packages: TrunkPackage[] }>();
  async function packagesOf(name: string): Promise<TrunkPackage[]> {
    const cached = packageCache.get(name);
    if (cached && Date.now() - cached.at < 60_000) return cached.packages;
    const t = trunkConfig(name);
    let dir = t.rdoinfo?.path ?? config.rdoinfo.path;
    let entry = t.rdoinfo?.entry ?? config.rdoinfo.entry;
    if (t.demo) {
      const demo = await generateDemoTrunk(trunkPaths(config, name).demo);
      dir = demo.rdoinfoDir;
      entry = 'rdo.yml';
    }
    const packages = packagesForRelease(loadRdoinfoDir(dir, entry), t.release).map((p): TrunkPackage => {
      const tagOverrides = (p.tags[t.release] ?? {}) as Record<string, unknown>;
      const pick = (key: string) => (tagOverrides[key] ?? p.extra[key]) as string | undefined;
      return {
        name: p.name,
        project: p.project,
        upstream: p.upstream,
        distgit: p['master-distgit'],
        maintainers: p.maintainers,
        component: p.component ?? null,
        sourceBranch: pick('source-branch') ?? t.sourceBranch,
        distroBranch: pick('distro-branch') ?? t.distroBranch,
      };
    });
    packageCache.set(name, { at: Date.now(), packages });
    return packages;
  }

  const cloneDirs = (trunk: string, pkg: string) => {
    const git = trunkPaths(config, trunk).git;
    return { upstream: path.join(git, pkg), distgit: path.join(git, `${pkg}_distro`) };
  };

  /** The `commits` row of one build attempt (DLRN's repo_dir/distgit_dir are the clones). */
  const commitRow = (req: BuildRequest, attempt: BuildAttempt, status: db.CommitInsert['status'], notes: string): db.CommitInsert => {
    const dirs = cloneDirs(req.trunk, req.packageName);
    return {
      trunk: req.trunk, projectName: req.packageName, commitHash: req.commitHash, distroHash: req.distroHash,
      extendedHash: req.extendedHash, dtCommit: req.dtCommit, dtDistro: req.dtDistro, dtBuild: attempt.dtBuild,
      repoDir: dirs.upstream, distgitDir: dirs.distgit, commitBranch: req.commitBranch,
      status, component: req.component, artifacts: null, notes, versionsCsv: null,
    };
  };

  return {
    async listTrunkPackages(trunk: string): Promise<TrunkPackage[]> {
      return packagesOf(trunk);
    },

    /** DLRN's getinfo for one package: fetch both repositories, list what is new. */
    async discoverPackageCommits(trunk: string, pkg: TrunkPackage): Promise<BuildRequest[]> {
      const t = trunkConfig(trunk);
      const dirs = cloneDirs(trunk, pkg.name);
      const signal = cancellationSignal();
      heartbeat(`fetching ${pkg.upstream}`);
      await lockedSyncClone(pkg.upstream, dirs.upstream, signal);
      heartbeat(`fetching ${pkg.distgit}`);
      await lockedSyncClone(pkg.distgit, dirs.distgit, signal);
      const fallback = { source: t.sourceBranch, fallbackToMaster: t.fallbackToMaster, nonfallbackBranches: t.nonfallbackBranches };
      const source = await resolveBranch(dirs.upstream, branchFallbackRefs(pkg.sourceBranch, fallback));
      const distgit = await resolveBranch(dirs.distgit, branchFallbackRefs(pkg.distroBranch, { ...fallback, source: t.distroBranch }));
      const rows = await db.packageRows(pool, trunk, pkg.name);
      const plan = planGitLog(rows, { sourceBranch: source.branch });
      const candidates = await commitsSince(dirs.upstream, source.ref, plan.headOnly ? null : plan.after, { signal });
      const { toBuild } = newCommitsToBuild({
        projectName: pkg.name,
        plan,
        candidates: candidates.map((c) => ({ sha: c.sha, ctime: c.ctime })),
        distgit: { hash: distgit.sha, time: distgit.ctime },
        rows,
        commitBranch: source.branch,
        component: t.useComponents ? pkg.component : null,
      });
      return toBuild.map((c) => ({
        trunk,
        release: t.release,
        packageName: pkg.name,
        project: pkg.project,
        commitHash: c.commitHash,
        distroHash: c.distroHash,
        extendedHash: c.extendedHash,
        dtCommit: c.dtCommit,
        dtDistro: c.dtDistro,
        commitBranch: c.commitBranch,
        component: c.component,
        maintainers: pkg.maintainers,
      }));
    },

    /**
     * Builds one triple into its hashed repo dir: exact checkouts, tarball,
     * Version/Release as DLRN sets them, SRPM, then RPMs through the build driver.
     * A failed build is a result (RETRY or FAILED), not an activity error.
     */
    async buildCommit(req: BuildRequest, retriesSoFar: number): Promise<BuildAttempt> {
      const t = trunkConfig(req.trunk);
      const paths = trunkPaths(config, req.trunk);
      const repoDir = shardedCommitDir(req);
      const outDir = path.join(paths.repos, repoDir);
      const logFile = path.join(outDir, 'rpmbuild.log');
      const dtBuild = Math.floor(Date.now() / 1000);
      fs.rmSync(outDir, { recursive: true, force: true });
      fs.mkdirSync(outDir, { recursive: true });
      fs.mkdirSync(paths.work, { recursive: true });
      const work = fs.mkdtempSync(path.join(paths.work, `${req.packageName}-`));
      const signal = cancellationSignal();
      const base = { dtBuild, repoDir, logPath: path.join(repoDir, 'rpmbuild.log') };
      try {
        const driver = createBuildDriver({ driver: t.buildDriver ?? config.drivers.build, mockConfig: t.target, simulated: t.simulated });
        if (driver.name === 'simulated' && !t.simulated.sources) {
          // Nothing real to check out: the simulated driver stands in for the SRPM as well.
          const nvr = `${req.packageName}-0.0.1-${releaseString({ dtBuild, commitHash: req.commitHash })}`;
          const { rpms } = await driver.build({ srpm: path.join(work, `${nvr}.src.rpm`), outDir, logFile, signal, onProgress: heartbeat });
          return { ok: true, rpms: artifactPaths(repoDir, rpms), nvr, ...base };
        }
        const dirs = cloneDirs(req.trunk, req.packageName);
        const pkg = (await packagesOf(req.trunk)).find((p) => p.name === req.packageName);
        if (!pkg) throw new Error(`package ${req.packageName} is no longer in trunk ${req.trunk}`);
        // Another build host may not have the clones yet; fetching is incremental.
        await ensureCommit(pkg.upstream, dirs.upstream, req.commitHash, signal);
        await ensureCommit(pkg.distgit, dirs.distgit, req.distroHash, signal);
        const upstreamTree = path.join(work, 'upstream');
        const distgitTree = path.join(work, 'distgit');
        await exportTree(dirs.upstream, req.commitHash, upstreamTree, { signal });
        await exportTree(dirs.distgit, req.distroHash, distgitTree, { signal });
        const spec = fs.readdirSync(distgitTree).find((f) => f.endsWith('.spec'));
        if (!spec) throw new Error(`no .spec file in ${pkg.distgit} at ${req.distroHash}`);
        const describeTag = await describeVersion(dirs.upstream, req.commitHash);
        const describe = describeTag === null ? null : (await git(dirs.upstream, ['describe', '--tags', req.commitHash])).trim();
        const version = tagBasedVersion({
          describeTag,
          describe,
          specVersion: parseSpecVersion(fs.readFileSync(path.join(distgitTree, spec), 'utf8')),
        }).version;
        const release = releaseString({ dtBuild, commitHash: req.commitHash });
        heartbeat('building the source RPM');
        const { srpm } = await buildSrpm({
          upstreamDir: upstreamTree, distgitDir: distgitTree, specFile: spec, project: req.project,
          version, release, outDir: work, logFile, signal,
        });
        const { rpms } = await driver.build({ srpm, outDir, logFile, signal, onProgress: heartbeat });
        const nvr = path.basename(srpm).replace(/\.src\.rpm$/, '');
        return { ok: true, rpms: artifactPaths(repoDir, rpms), nvr, ...base };
      } catch (err) {
        if (signal?.aborted) throw err; // cancelled: let Temporal see the cancellation
        const message = (err as Error).message;
        const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
        const status = classifyBuildFailure(`${log}\n${message}`, retriesSoFar, t.maxRetries);
        fs.appendFileSync(path.join(outDir, 'notes.log'), `${new Date().toISOString()} ${status}: ${message}\n`);
        const known = findKnownError(`${log}\n${message}`);
        return {
          ok: false, rpms: [], nvr: null, ...base,
          failure: { status, reason: known ? `known error: ${known.pattern}` : message.split('\n')[0] },
        };
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
    },

    /**
     * DLRN's recheck: deletes the latest processed row when shouldRecheck says
     * so (it is FAILED), so discovery lists the commit again; else says why not.
     */
    async recheckPackage(trunk: string, packageName: string): Promise<RecheckAnswer> {
      const decision = shouldRecheck(await db.packageRows(pool, trunk, packageName), { packageName });
      if (!decision.recheck) return { rechecked: false, packageName, httpStatus: decision.httpStatus, explanation: decision.explanation };
      await db.deleteCommit(pool, decision.deleteRowId);
      return { rechecked: true, packageName, deletedRowId: decision.deleteRowId, explanation: decision.explanation };
    },

    /** A transient failure with retries left: a RETRY row, as DLRN adds one per retry. */
    async recordRetry(req: BuildRequest, attempt: BuildAttempt): Promise<number> {
      return db.insertCommitOnce(pool, commitRow(req, attempt, 'RETRY', attempt.failure?.reason ?? 'retry'));
    },

    /**
     * DLRN's post_build + process_build_result, run one at a time per trunk by
     * the trunk workflow: record the row, complete the repo dir (links to every
     * other package's latest RPMs, versions.csv, repodata, .repo, commit.yaml),
     * move `current` and, when every package is green, `consistent`.
     */
    async postBuild(outcome: BuildOutcome): Promise<PostBuildResult> {
      const result: PostBuildResult = {
        status: outcome.status, commitId: null, repoUrl: null, currentMoved: false, consistentMoved: false,
        failures: 0, mailDue: false, reviewDue: false, mailed: false, reviewUrl: null,
      };
      if (outcome.status === 'CANCELLED' || !outcome.attempt) return result;
      const req = outcome.request;
      const t = trunkConfig(req.trunk);
      const paths = trunkPaths(config, req.trunk);
      const attempt = outcome.attempt;
      const outDir = path.join(paths.repos, attempt.repoDir);
      const packages = await packagesOf(req.trunk);
      const baseurl = trunkBaseurl(config, t);

      if (outcome.status === 'FAILED') {
        const previous = (await db.packageRows(pool, req.trunk, req.packageName)).filter((r) => r.status !== 'RETRY').pop();
        result.commitId = await db.insertCommitOnce(pool, commitRow(req, attempt, 'FAILED', attempt.failure?.reason ?? 'build failed'));
        result.reviewDue = t.reviews && (!previous || previous.status === 'SUCCESS');
        result.mailDue = Boolean(config.mail.host) && shouldSendMail(await db.lastEmail(pool, req.packageName), Math.floor(Date.now() / 1000));
        result.failures = -1;
        await writeReports(req.trunk);
        return result;
      }

      const others = await db.latestSuccessPerProject(pool, req.trunk);
      const latest = await db.latestPerProject(pool, req.trunk);
      const otherRows = [...others, ...latest].filter((r) => r.projectName !== req.packageName);
      const csv = buildVersionsCsvRows({
        built: { projectName: req.packageName, type: 'rpm', commitHash: req.commitHash, distroHash: req.distroHash,
          extendedHash: req.extendedHash, component: req.component, dtBuild: attempt.dtBuild },
        builtRpms: attempt.rpms,
        packages: packages.map((p) => ({ name: p.name, upstream: p.upstream, 'master-distgit': p.distgit, component: p.component })),
        rows: otherRows,
        useComponents: t.useComponents,
      });
      await linkLatestRpms(outDir, paths.repos, csv.symlinkArtifacts);
      fs.writeFileSync(path.join(outDir, 'versions.csv'), versionsCsv(csv.rows));
      heartbeat('createrepo_c');
      await createRepo(outDir, { includeSrpm: t.includeSrpmInRepo, database: t.repoDatabase });
      fs.writeFileSync(path.join(outDir, `${t.reponame}.repo`), repoFileContent({
        reponame: t.reponame, project: req.packageName, commitHash: req.commitHash, baseurl,
        shardedDir: attempt.repoDir, component: req.component, useComponents: t.useComponents,
      }));
      const row = {
        ...commitRow(req, attempt, 'SUCCESS', 'OK'),
        artifacts: attempt.rpms.join(','),
        versionsCsv: `repos/${attempt.repoDir}/versions.csv`,
      };
      // The row and the consistent vote land together.
      const failures = computeFailures({
        packages: packages.map((p) => ({ name: p.name, component: p.component })),
        built: { name: req.packageName, component: req.component },
        latestStatus: latestStatusByPackage(latest.filter((r) => r.projectName !== req.packageName)),
        useComponents: t.useComponents,
      });
      result.failures = failures.failures;
      const commitId = await withTransaction(pool, async (client) => {
        const existing = await db.findCommit(client, row);
        if (existing !== null) return existing; // a retried post-build: recorded already, with its vote
        const id = await db.insertCommit(client, row);
        if (failures.failures === 0) {
          await db.insertVote(client, { commitId: id, ciName: 'consistent', vote: true, timestamp: attempt.dtBuild, component: req.component });
        }
        return id;
      });
      result.commitId = commitId;
      fs.writeFileSync(path.join(outDir, 'commit.yaml'), commitYaml({
        id: commitId, type: 'rpm', status: 'SUCCESS', projectName: req.packageName, commitHash: req.commitHash,
        distroHash: req.distroHash, extendedHash: req.extendedHash, dtCommit: req.dtCommit, dtBuild: attempt.dtBuild,
        commitBranch: req.commitBranch, component: req.component, artifacts: row.artifacts, dtDistro: req.dtDistro,
        dtExtended: null, repoDir: row.repoDir, distgitDir: row.distgitDir, notes: 'OK', flags: 0, versionsCsv: row.versionsCsv,
      }));
      // Links move last, once the directory is complete: new link, then rename.
      const linkBase = t.useComponents && req.component ? path.join(paths.repos, 'component', req.component) : paths.repos;
      fs.mkdirSync(linkBase, { recursive: true });
      const target = path.relative(linkBase, outDir);
      await atomicSymlink(target, path.join(linkBase, 'current'));
      result.currentMoved = true;
      if (result.failures === 0) {
        await atomicSymlink(target, path.join(linkBase, 'consistent'));
        result.consistentMoved = true;
      }
      if (t.useComponents) {
        await aggregateComponentRepos(req.trunk, result.consistentMoved ? ['current', 'consistent'] : ['current']);
      }
      result.repoUrl = `${baseurl}/${attempt.repoDir}`;
      await writeReports(req.trunk);
      return result;
    },

    /** Mails the maintainers of a failed build, at most once a day per package (projects.last_email). */
    async notifyFailure(outcome: BuildOutcome): Promise<boolean> {
      if (!config.mail.host) return false;
      const now = Math.floor(Date.now() / 1000);
      const req = outcome.request;
      if (!shouldSendMail(await db.lastEmail(pool, req.packageName), now)) return false;
      const t = trunkConfig(req.trunk);
      const logPath = path.join(trunkPaths(config, req.trunk).repos, outcome.attempt?.logPath ?? '');
      const mailer = createMailer({ host: config.mail.host, port: config.mail.port, secure: config.mail.secure, user: config.mail.user, password: config.mail.password, from: config.mail.from });
      await mailer.sendBuildFailure({
        packageName: req.packageName, release: req.release, trunk: t.sourceBranch, commitHash: req.commitHash,
        distroHash: req.distroHash, maintainers: req.maintainers,
        logUrl: `${trunkBaseurl(config, t)}/${outcome.attempt?.logPath ?? ''}`,
        logTail: fs.existsSync(logPath) ? lastLines(fs.readFileSync(logPath, 'utf8'), 40) : `(no build log at ${logPath})`,
      });
      await db.setLastEmail(pool, req.packageName, now);
      return true;
    },

    /** Opens the rdo-FTBFS review on the package's distgit with the maintainers as reviewers. */
    async openFtbfsReview(outcome: BuildOutcome): Promise<string> {
      const req = outcome.request;
      const t = trunkConfig(req.trunk);
      const pkg = (await packagesOf(req.trunk)).find((p) => p.name === req.packageName);
      const driver = config.drivers.review === 'gerrit'
        ? createReviewDriver({ kind: 'gerrit', ...requireGerrit(config) })
        : createReviewDriver({ kind: 'localgit', workDir: path.join(config.paths.data, 'reviews', req.trunk) });
      const distgitDir = cloneDirs(req.trunk, req.packageName).distgit;
      const review = await driver.openFtbfsReview({
        packageName: req.packageName,
        project: config.drivers.review === 'gerrit' ? gerritProject(pkg?.distgit ?? '') : (pkg?.distgit ?? distgitDir),
        branch: pkg?.distroBranch ?? t.distroBranch,
        specPath: `${req.packageName}.spec`,
        commitHash: req.commitHash,
        distroHash: req.distroHash,
        topic: t.reviewTopic,
        reviewers: req.maintainers,
        logUrl: `${trunkBaseurl(config, t)}/${outcome.attempt?.logPath ?? ''}`,
      });
      return review.url;
    },
  };

  /**
   * With components, DLRN's top-level `repos/<name>/` holds the concatenation of
   * every component's `<name>` repo file, in a dir named by its md5, and links
   * to it (replaced atomically). Consumers pin that hash.
   */
  async function aggregateComponentRepos(trunk: string, names: string[]): Promise<void> {
    const t = trunkConfig(trunk);
    const reposDir = trunkPaths(config, trunk).repos;
    const { rows } = await pool.query<{ component: string | null }>('SELECT DISTINCT component FROM commits WHERE trunk = $1', [trunk]);
    const components = aggregateComponents(rows.map((r) => r.component), await packagesOf(trunk));
    const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null);
    for (const name of names) {
      const aggregate = aggregateRepoFiles(components.map((component) => {
        const dir = path.join(reposDir, 'component', component, name);
        return { component, repoText: read(path.join(dir, `${t.reponame}.repo`)), versionsCsvText: read(path.join(dir, 'versions.csv')) };
      }), md5);
      const top = path.join(reposDir, name);
      const hashed = path.join(top, aggregate.hashedDir);
      fs.mkdirSync(hashed, { recursive: true });
      fs.writeFileSync(path.join(hashed, `${t.reponame}.repo`), aggregate.repoContent);
      fs.writeFileSync(path.join(hashed, `${t.reponame}.repo.md5`), aggregate.hash);
      fs.writeFileSync(path.join(hashed, 'versions.csv'), aggregate.versionsCsv);
      for (const file of [`${t.reponame}.repo`, `${t.reponame}.repo.md5`, 'versions.csv']) {
        await atomicSymlink(path.join(aggregate.hashedDir, file), path.join(top, file));
      }
    }
  }

  /** report.html (latest builds) and status_report.{html,csv}, from indexed queries, not a scan of repos/. */
  async function writeReports(trunk: string): Promise<void> {
    const reposDir = trunkPaths(config, trunk).repos;
    fs.mkdirSync(reposDir, { recursive: true });
    const recent = await db.recentCommits(pool, trunk, REPORT_LENGTH);
    const latest = await db.latestPerProject(pool, trunk);
    const packages = await packagesOf(trunk);
    const writeAtomic = (name: string, text: string) => {
      const tmp = path.join(reposDir, `.${name}.tmp`);
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, path.join(reposDir, name));
    };
    const t = trunkConfig(trunk);
    const page = { projectName: 'RDO', reponame: t.reponame, target: t.target, source: t.sourceBranch, packages };
    // The newest rows plus each package's latest: enough for both reports, and bounded.
    const rows = [...new Map([...recent, ...latest].map((r) => [r.id, r])).values()];
    const statuses = packageStatuses(rows, packages, Math.floor(Date.now() / 1000));
    writeAtomic('report.html', reportHtml(recent, page));
    writeAtomic('status_report.html', statusReportHtml(statuses, page));
    writeAtomic('status_report.csv', statusReportCsv(statuses));
  }
}

function requireGerrit(config: Config) {
  if (!config.gerrit) throw new Error(`${config.source}: gerrit: required when drivers.review is gerrit`);
  return { url: config.gerrit.url, username: config.gerrit.user, password: config.gerrit.password };
}

/** `https://review.example.org/openstack/nova-distgit.git` → `openstack/nova-distgit`. */
export function gerritProject(url: string): string {
  try {
    return new URL(url).pathname.replace(/^\/(r\/)?/, '').replace(/\.git$/, '');
  } catch {
    return url;
  }
}

/** RPMs as DLRN's `artifacts` names them: `repos/<sharded dir>/<file>`. */
function artifactPaths(repoDir: string, rpms: string[]): string[] {
  return rpms.map((r) => `repos/${path.join(repoDir, path.basename(r))}`);
}

/**
 * Links every other package's latest RPMs into a new repo dir (relative links,
 * as DLRN makes them). Thousands of links per build at rdoinfo scale: issued
 * concurrently, and an existing link (a retried activity) is kept.
 */
async function linkLatestRpms(outDir: string, reposDir: string, artifacts: string[]): Promise<void> {
  const BATCH = 512;
  for (let i = 0; i < artifacts.length; i += BATCH) {
    await Promise.all(artifacts.slice(i, i + BATCH).map(async (artifact) => {
      const target = path.join(reposDir, artifact.replace(/^repos\//, ''));
      try {
        await fs.promises.symlink(path.relative(outDir, target), path.join(outDir, path.basename(artifact)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }));
  }
}

export function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

export type TrunkActivities = ReturnType<typeof createTrunkActivities>;
