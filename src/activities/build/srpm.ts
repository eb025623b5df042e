/**
 * Source RPMs as DLRN's `scripts/build_srpm.sh` makes them: a checkout of the
 * exact upstream commit with its history and tags, the version from pbr
 * (`setup.py --version`, in the target's build tools) or from metadata.json,
 * a Modulefile or git tags, the tarball from `setup.py sdist` or of the tree,
 * the spec edits, then `rpmbuild -bs` into the build's repo directory.
 */
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  parseSpecVersion, rewriteSpec, splitUpstreamVersion, tagBasedVersion, versionAndRelease, IGNORED_VERSION_TAGS, type ReleaseNumbering,
} from '../../domain/trunk/release-number';
import {
  pickSpecFile, sourceKind, sourceWithRelease, stripRequirementMarkers, treeTarballName, REQUIREMENT_FILES,
} from '../../domain/trunk/source-tarball';
import { describeVersion, git } from '../git';
import { run, ProcessError, type RunOptions } from '../process';

export interface SrpmRequest {
  /** The package name (DLRN's PROJECT_NAME), e.g. `python-oslo-config`. */
  packageName: string;
  /** Upstream URL, for the tarball name of modules named after their repository. */
  upstreamUrl: string;
  /** The cached upstream clone; the commit is checked out from it with its history and tags. */
  upstreamClone: string;
  commitHash: string;
  /** The distgit directory to package from (distgit-path applied, .spec.j2 rendered, preprocessed). */
  distgitDir: string;
  /** openstack/rpm-packaging distgits give a tagless tree its Version. */
  distgitUrl?: string;
  dtBuild: number;
  numbering: ReleaseNumbering;
  releaseMinor: string;
  /** The virtualenv with the target's setuptools and pbr (scripts/buildenv.sh), made when a Python source needs it. */
  pythonEnv: () => Promise<string>;
  keepTarball: boolean;
  keepChangelog: boolean;
  /** %dist for the SRPM, as the target's chroot defines it (`.el9`) when mock rebuilds it; none otherwise. */
  dist?: string;
  /** The hashed repo dir: the SRPM is written here, whatever the RPM build then does. */
  outDir: string;
  /** Scratch space, removed by the caller. */
  workDir: string;
  logFile: string;
  signal?: AbortSignal;
  onProgress?: (detail: string) => void;
}

export interface SrpmResult {
  srpm: string;
  /** `<name>-<version>-<release>` of the SRPM. */
  nvr: string;
  /** The RPM Version. */
  version: string;
  /** %{upstream_version}: pbr's version, or the tag/metadata version. */
  upstreamVersion: string;
  release: string;
  /** The tarball's name in the SRPM (Source0 unless keepTarball). */
  tarball: string;
}

/** Commands of one step, failing with the step, the package and the log named. */
function stepper(o: Pick<SrpmRequest, 'packageName' | 'logFile' | 'signal'>) {
  return async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (o.signal?.aborted) throw e;
      const detail = e instanceof ProcessError ? `${e.command}:\n${e.tail}` : (e as Error).message;
      throw new Error(`${o.packageName}: ${what} failed (log: ${o.logFile}): ${detail}`, { cause: e });
    }
  };
}

/**
 * A work tree of exactly `sha` sharing the cache clone's objects, with every
 * tag (pbr and git describe need them) except those DLRN deletes first.
 */
export async function checkoutWithHistory(clone: string, sha: string, dest: string, dropTags: readonly string[], opts: RunOptions = {}): Promise<void> {
  await git(resolve(clone), ['clone', '--quiet', '--shared', '--no-checkout', resolve(clone), resolve(dest)], opts);
  await git(dest, ['fetch', '--quiet', '--force', 'origin', '+refs/tags/*:refs/tags/*'], opts);
  await git(dest, ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--force', '--detach', sha], opts);
  const doomed = (await git(dest, ['tag', '-l', ...dropTags], opts)).split('\n').filter(Boolean);
  if (doomed.length) await git(dest, ['tag', '-d', ...doomed], opts);
}

/** DLRN's version and tarball of a Python project: pbr's `setup.py --version`, then `setup.py sdist`. */
async function pythonSource(o: SrpmRequest, src: string, runOpts: RunOptions) {
  const venv = await o.pythonEnv();
  const python = join(venv, 'bin', 'python');
  const env = { PATH: `${join(venv, 'bin')}:${process.env.PATH ?? ''}` };
  for (const f of await readdir(src)) if (f.endsWith('.egg-info')) await rm(join(src, f), { recursive: true, force: true });
  // setup.py may print warnings on stdout first (DLRN: `| tail -n 1`).
  const { stdout } = await run(python, ['setup.py', '--version'], { ...runOpts, cwd: src, env });
  const upstreamVersion = stdout.trim().split('\n').pop()?.trim() ?? '';
  if (!upstreamVersion) throw new Error('setup.py --version printed nothing');
  await run(python, ['setup.py', 'sdist'], { ...runOpts, cwd: src, env });
  const dist = (await readdir(join(src, 'dist'))).filter((f) => f.endsWith('.tar.gz'));
  if (dist.length !== 1) throw new Error(`setup.py sdist left ${dist.length ? dist.join(', ') : 'no tarball'} in dist/`);
  return { upstreamVersion, tarballPath: join(src, 'dist', dist[0]) };
}

/** DLRN's version and tarball of anything else: metadata.json, a Modulefile or git tags; a tar of the tree. */
async function treeSource(o: SrpmRequest, src: string, names: string[], runOpts: RunOptions) {
  let metadata: { name?: string; version?: string } = {};
  if (names.includes('metadata.json')) {
    try {
      metadata = JSON.parse(await readFile(join(src, 'metadata.json'), 'utf8')) as typeof metadata;
    } catch (e) {
      throw new Error(`metadata.json of ${o.upstreamUrl} at ${o.commitHash}: ${(e as Error).message}`);
    }
  }
  let metadataVersion = metadata.version ?? null;
  if (!metadataVersion && names.includes('Modulefile')) {
    const line = (await readFile(join(src, 'Modulefile'), 'utf8')).split('\n').find((l) => l.includes('version'));
    metadataVersion = line ? line.replace(/version *'(.*)'/, '$1').trim() : null;
  }
  const describeTag = await describeVersion(src, 'HEAD');
  const describe = describeTag === null ? null : (await git(src, ['describe', '--tags', ...IGNORED_VERSION_TAGS.flatMap((p) => ['--exclude', p]), 'HEAD'])).trim();
  let specVersion: string | null = null;
  if (!metadataVersion && describeTag === null && o.distgitUrl?.includes('openstack/rpm-packaging')) {
    const spec = pickSpecFile(await readdir(o.distgitDir), o.distgitDir);
    specVersion = parseSpecVersion(await readFile(join(o.distgitDir, spec), 'utf8'), { anywhere: true });
  }
  const { version } = tagBasedVersion({ metadataVersion, describeTag, describe, specVersion });
  const tarName = treeTarballName({ packageName: o.packageName, upstreamUrl: o.upstreamUrl, names, metadataName: metadata.name ?? null });
  // build_srpm.sh names the file after VERSION (the split version) and the top directory after the raw one.
  const tarballPath = join(o.workDir, `${splitUpstreamVersion(version).version}.tar.gz`);
  await run('tar', [
    '--create', '--gzip', `--file=${tarballPath}`, '--exclude=.git', '--owner=0', '--group=0', '--numeric-owner',
    `--transform=s,^\\.,${tarName}-${version},S`, '-C', src, '.',
  ], runOpts);
  return { upstreamVersion: version, tarballPath };
}

/** build_srpm.sh for one commit: the SRPM lands in outDir before any RPM is built. */
export async function buildSrpm(o: SrpmRequest): Promise<SrpmResult> {
  const step = stepper(o);
  const runOpts: RunOptions = { logFile: o.logFile, signal: o.signal, onProgress: o.onProgress };
  const outDir = resolve(o.outDir);
  const top = resolve(o.workDir, 'rpmbuild');
  const sources = join(top, 'SOURCES');
  await mkdir(sources, { recursive: true });
  await mkdir(join(top, 'SPECS'), { recursive: true });
  await mkdir(outDir, { recursive: true });

  const distgitNames = await readdir(o.distgitDir);
  const specName = await step('finding the spec', async () => pickSpecFile(distgitNames, o.distgitDir));

  const src = resolve(o.workDir, 'source');
  const names = await step('checking out the source', async () => {
    // DLRN deletes private-* tags before setup.py runs (they upset setuptools_scm); describe skips the rest.
    await checkoutWithHistory(o.upstreamClone, o.commitHash, src, ['private-*'], { signal: o.signal });
    return readdir(src);
  });
  for (const f of REQUIREMENT_FILES) {
    if (names.includes(f)) await writeFile(join(src, f), stripRequirementMarkers(await readFile(join(src, f), 'utf8')));
  }
  const kind = sourceKind({ names });
  if (kind === 'gem') throw new Error(`${o.packageName}: Ruby gem sources (${names.find((n) => n.endsWith('.gemspec'))}) are not supported`);
  const made = kind === 'python'
    ? await step('making the Python source tarball (setup.py --version, sdist)', () => pythonSource(o, src, runOpts))
    : await step('making the source tarball', () => treeSource(o, src, names, runOpts));

  const nvr = versionAndRelease({
    upstreamVersion: made.upstreamVersion, dtBuild: o.dtBuild, commitHash: o.commitHash, numbering: o.numbering, releaseMinor: o.releaseMinor,
  });
  const tarball = sourceWithRelease(basename(made.tarballPath), nvr.release);
  await rename(made.tarballPath, join(sources, tarball));
  // `cp -a * SOURCES/`: the distgit's files (patches, extra sources), dotfiles left out.
  for (const f of distgitNames.filter((n) => !n.startsWith('.'))) await cp(join(o.distgitDir, f), join(sources, f), { recursive: true });

  const spec = join(top, 'SPECS', specName);
  await writeFile(spec, rewriteSpec(await readFile(join(o.distgitDir, specName), 'utf8'), {
    version: nvr.version, release: nvr.release, upstreamVersion: nvr.upstreamVersion, source: tarball,
    keepTarball: o.keepTarball, keepChangelog: o.keepChangelog,
  }));
  const { stdout } = await step('rpmbuild -bs', () =>
    run('rpmbuild', [
      '-bs', '--nodeps', '--define', `_topdir ${top}`, '--define', `_sourcedir ${sources}`, '--define', `_srcrpmdir ${outDir}`,
      ...(o.dist ? ['--define', `dist ${o.dist}`] : []), spec,
    ], runOpts),
  );
  const srpm = /^Wrote:\s*(\S+\.src\.rpm)\s*$/m.exec(stdout)?.[1];
  if (!srpm) throw new Error(`${o.packageName}: rpmbuild -bs wrote no source RPM (log: ${o.logFile})`);
  const { stdout: q } = await step('querying the source RPM', () =>
    run('rpm', ['-qp', '--nosignature', '--nodigest', '--queryformat', '%{NAME}-%{VERSION}-%{RELEASE}', srpm], { signal: o.signal }),
  );
  return { srpm, nvr: q.trim(), version: nvr.version, upstreamVersion: nvr.upstreamVersion, release: nvr.release, tarball };
}
