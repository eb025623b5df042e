/**
 * Post-build activities (DLRN's post_build + process_build_result), run one at
 * a time per trunk: the build row, the repo dir's links, versions.csv,
 * repodata and .repo file, commit.yaml, and the `current`/`consistent` links.
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
      extendedHash: req.extendedHash, dtCommit: req.dtCommit, dtDistro: req.dtDistro, dtBuild: attempt.dtBuild,
      repoDir: dirs.upstream, distgitDir: dirs.distgit, commitBranch: req.commitBranch,
      status, component: req.component, artifacts: null, notes, versionsCsv: null,
    };
  };

  return {
    /** A transient failure with retries left: a RETRY row, as DLRN adds one per retry. */
    async recordRetry(req: BuildRequest, attempt: BuildAttempt): Promise<number> {
      return commits.insertCommitOnce(pool, commitRow(req, attempt, 'RETRY', attempt.failure?.reason ?? 'retry'));
    },

    /**
     * Records a finished build and completes its repo dir: links to every
     * other package's latest RPMs, versions.csv, repodata, .repo, commit.yaml;
     * then moves `current` and, when every package is green, `consistent`.
     */
    async postBuild(outcome: BuildOutcome): Promise<PostBuildResult> {
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
        result.commitId = await commits.insertCommitOnce(pool, commitRow(req, attempt, 'FAILED', attempt.failure?.reason ?? 'build failed'));
        result.reviewDue = t.reviews && (!previous || previous.status === 'SUCCESS');
        result.mailDue = Boolean(config.mail.host) && shouldSendMail(await lastEmail(pool, req.packageName), Math.floor(Date.now() / 1000));
        result.failures = -1;
        await deps.reports.writeReports(req.trunk);
        return result;
      }

      const others = await commits.latestSuccessPerProject(pool, req.trunk);
      const latest = await commits.latestPerProject(pool, req.trunk);
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
      fs.writeFileSync(path.join(outDir, 'commit.yaml'), commitYaml({
        id: result.commitId, type: 'rpm', status: 'SUCCESS', projectName: req.packageName, commitHash: req.commitHash,
        distroHash: req.distroHash, extendedHash: req.extendedHash, dtCommit: req.dtCommit, dtBuild: attempt.dtBuild,
        commitBranch: req.commitBranch, component: req.component, artifacts: row.artifacts, dtDistro: req.dtDistro,
        dtExtended: null, repoDir: row.repoDir, distgitDir: row.distgitDir, notes: 'OK', flags: 0, versionsCsv: row.versionsCsv,
      }));
      // Links move last, once the directory is complete: new link, then rename.
      const linkBase = t.useComponents && req.component ? path.join(paths.repos, 'component', req.component) : paths.repos;
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
      await deps.reports.writeReports(req.trunk);
      return result;
    },
  };
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

export type PostBuildActivities = ReturnType<typeof createPostBuildActivities>;
