/** The build host's activity: one (commit, distro, extended) triple into its hashed repo dir. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildToolsOf, type Config, type TrunkConfig } from '../../config';
import type { BuildAttempt, BuildRequest } from '../../domain/trunk-build';
import { classifyBuildFailure, findKnownError } from '../../domain/trunk/build-errors';
import { shardedCommitDir } from '../../domain/trunk/hashes';
import { releaseString } from '../../domain/trunk/release-number';
import { keepsTarball } from '../../domain/trunk/source-tarball';
import { ensureCommit } from '../clones';
import { cancellationSignal, heartbeat } from '../context';
import { exportTree } from '../git';
import { artifactPaths, cloneDirs, trunkBaseurl, trunkPaths } from '../layout';
import type { PackageSource } from '../pkginfo/source';
import type { BuildDriver } from './driver';
import { createBuildDriver } from './select';
import { buildSrpm } from './srpm';
import { ensureBuildTools, renderSpecTemplate, runCustomPreprocess } from './tools';

export interface BuildDeps {
  config: Config;
  packages: PackageSource;
}

export function createBuildActivities(deps: BuildDeps) {
  const { config } = deps;
  // One driver per trunk, made once: drivers hold no per-build state.
  const drivers = new Map<string, BuildDriver>();
  const driverOf = (t: TrunkConfig): BuildDriver => {
    if (!drivers.has(t.name)) {
      const paths = trunkPaths(config, t.name);
      const mock = t.mockTemplate
        ? {
          template: t.mockTemplate,
          configDir: path.join(paths.work, 'mock'),
          currentRepo: path.join(paths.repos, 'current', `${t.reponame}.repo`),
          depsUrl: t.depsUrl ?? `${trunkBaseurl(config, t)}/delorean-deps.repo`,
        }
        : undefined;
      drivers.set(t.name, createBuildDriver({ driver: t.buildDriver ?? config.drivers.build, mock, simulated: t.simulated }));
    }
    return drivers.get(t.name)!;
  };
  const release = (t: TrunkConfig, req: BuildRequest, dtBuild: number) =>
    releaseString({ dtBuild, commitHash: req.commitHash, numbering: t.releaseNumbering, releaseMinor: t.releaseMinor });

  return {
    /**
     * Builds one triple into its hashed repo dir: exact checkouts, tarball,
     * Version/Release as DLRN sets them, the SRPM written into the repo dir, then
     * RPMs through the build driver (the SRPM stays whatever that does).
     * A failed build is a result (RETRY or FAILED), not an activity error.
     */
    async buildCommit(req: BuildRequest, retriesSoFar: number): Promise<BuildAttempt> {
      const t = config.trunks.find((x) => x.name === req.trunk);
      if (!t) throw new Error(`trunk ${req.trunk} is not configured on this build host`);
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
      const driver = driverOf(t);
      try {
        if (driver.name === 'simulated' && !t.simulated.sources) {
          // Nothing real to check out: the simulated driver stands in for the SRPM as well.
          const nvr = `${req.packageName}-0.0.1-${release(t, req, dtBuild)}`;
          const { rpms } = await driver.build({ srpm: path.join(work, `${nvr}.src.rpm`), outDir, logFile, signal, onProgress: heartbeat });
          return { ok: true, rpms: artifactPaths(repoDir, rpms), nvr, ...base };
        }
        const dirs = cloneDirs(config, req.trunk, req.packageName);
        const pkg = await deps.packages.find(req.trunk, req.packageName);
        // Another build host may not have the clones yet; fetching is incremental.
        await ensureCommit(pkg.upstream, dirs.upstream, req.commitHash, signal);
        await ensureCommit(pkg.distgit, dirs.distgit, req.distroHash, signal);
        const distgitTree = path.join(work, 'distgit');
        await exportTree(dirs.distgit, req.distroHash, distgitTree, { signal });
        const specDir = pkg.distgitPath ? path.join(distgitTree, pkg.distgitPath) : distgitTree;
        if (!fs.existsSync(specDir)) throw new Error(`${pkg.distgit}: no directory ${pkg.distgitPath} at ${req.distroHash}`);
        const runOpts = { logFile, signal, onProgress: heartbeat };
        // Made (once per host) only when a Python source or a .spec.j2 needs them.
        const pythonEnv = () => {
          heartbeat('preparing the build tools');
          return ensureBuildTools(buildToolsOf(config, t), runOpts);
        };
        await renderSpecTemplate(pythonEnv, specDir, runOpts);
        await runCustomPreprocess(t.customPreprocess, {
          packageName: req.packageName, distgitDir: specDir, sourceDir: dirs.upstream, commitHash: req.commitHash,
          distroinfo: t.pkginfo.driver === 'rdoinfo' ? path.join(t.pkginfo.path ?? config.rdoinfo.path, t.pkginfo.entry ?? config.rdoinfo.entry) : undefined,
        }, runOpts);
        heartbeat('building the source RPM');
        const { srpm } = await buildSrpm({
          packageName: req.packageName, upstreamUrl: pkg.upstream, upstreamClone: dirs.upstream, commitHash: req.commitHash,
          distgitDir: specDir, distgitUrl: pkg.distgit, dtBuild, numbering: t.releaseNumbering, releaseMinor: t.releaseMinor, pythonEnv,
          keepTarball: keepsTarball({ keepTarball: t.keepTarball, pkginfoDriver: t.pkginfo.driver, commitBranch: req.commitBranch, sourceBranch: t.sourceBranch }),
          keepChangelog: t.keepChangelog, outDir, workDir: path.join(work, 'srpm'), logFile, signal, onProgress: heartbeat,
          // mock --rebuild writes the SRPM again, named with the chroot's %dist: one name, as DLRN's mock --buildsrpm gives.
          dist: driver.name === 'mock' ? `.${t.distro}` : undefined,
        });
        const { rpms } = await driver.build({ srpm, outDir, logFile, signal, onProgress: heartbeat });
        return { ok: true, rpms: artifactPaths(repoDir, rpms), nvr: path.basename(srpm).replace(/\.src\.rpm$/, ''), ...base };
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
  };
}

export type BuildActivities = ReturnType<typeof createBuildActivities>;
