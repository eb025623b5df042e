/**
 * Source RPM creation, DLRN's build_srpm.sh for plain-tarball projects: tar
 * the exported upstream tree as <project>-<upstream version>.tar.gz (top
 * directory <project>-<upstream version>/), put it with the distgit files in a private
 * _sourcedir, stamp the spec with the version and release, `rpmbuild -bs`.
 * Version detection and the release string are the caller's.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { run, ProcessError } from '../process';
import { rewriteSpec } from '../../domain/trunk/release-number';

export interface BuildSrpmOptions {
  /** Exported upstream tree (no .git needed). */
  upstreamDir: string;
  /** Exported distgit tree: the spec plus patches and other sources. */
  distgitDir: string;
  /** Spec file, relative to distgitDir or absolute; default: the only *.spec in distgitDir. */
  specFile?: string;
  project: string;
  version: string;
  /** Applied as is, e.g. DLRN's `0.<YYYYmmddHHMMSS>.<shorthash>`. */
  release: string;
  /** Value of %{upstream_version}; defaults to version. */
  upstreamVersion?: string;
  outDir: string;
  logFile: string;
  signal?: AbortSignal;
  onProgress?: (detail: string) => void;
}

export async function buildSrpm(o: BuildSrpmOptions): Promise<{ srpm: string; nvr: string }> {
  const outDir = resolve(o.outDir);
  await mkdir(outDir, { recursive: true });
  const top = await mkdtemp(join(outDir, '.srpm-'));
  const sources = join(top, 'SOURCES');
  const runOpts = { logFile: o.logFile, signal: o.signal, onProgress: o.onProgress };
  const step = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (o.signal?.aborted) throw e;
      const detail = e instanceof ProcessError ? `${e.command}:\n${e.tail}` : (e as Error).message;
      throw new Error(`${o.project}: ${what} failed (log: ${o.logFile}): ${detail}`, { cause: e });
    }
  };
  try {
    const specPath = await step('finding the spec', () => findSpec(o.distgitDir, o.specFile));
    // Distgit content first (patches, extra sources), as DLRN copies it all into SOURCES.
    await cp(o.distgitDir, sources, { recursive: true, filter: (src) => basename(src) !== '.git' });

    const upstreamVersion = o.upstreamVersion ?? o.version;
    const tarball = `${o.project}-${upstreamVersion}.tar.gz`;
    await step('making the source tarball', () =>
      run(
        'tar',
        [
          '--create', '--gzip', `--file=${join(sources, tarball)}`, '--exclude=.git',
          '--sort=name', '--owner=0', '--group=0', '--numeric-owner',
          // Rename the leading "." to the top dir; S: leave symlink targets alone.
          `--transform=s,^\\.,${o.project}-${upstreamVersion},S`,
          '-C', resolve(o.upstreamDir), '.',
        ],
        runOpts,
      ),
    );

    const spec = join(top, 'SPECS', basename(specPath));
    await mkdir(join(top, 'SPECS'));
    const text = await readFile(specPath, 'utf8');
    await writeFile(spec, rewriteSpec(text, { version: o.version, release: o.release, source0: tarball, upstreamVersion }));

    const { stdout } = await step('rpmbuild -bs', () =>
      run(
        'rpmbuild',
        ['-bs', '--nodeps', '--define', `_topdir ${top}`, '--define', `_sourcedir ${sources}`, '--define', `_srcrpmdir ${outDir}`, spec],
        runOpts,
      ),
    );
    const srpm = /^Wrote:\s*(\S+\.src\.rpm)\s*$/m.exec(stdout)?.[1];
    if (!srpm) throw new Error(`${o.project}: rpmbuild -bs wrote no source RPM (log: ${o.logFile})`);
    const nvr = await step('querying the source RPM', () =>
      run('rpm', ['-qp', '--nosignature', '--nodigest', '--queryformat', '%{NAME}-%{VERSION}-%{RELEASE}', srpm], { signal: o.signal }),
    );
    return { srpm, nvr: nvr.stdout.trim() };
  } finally {
    await rm(top, { recursive: true, force: true });
  }
}

async function findSpec(distgitDir: string, specFile?: string): Promise<string> {
  if (specFile) return isAbsolute(specFile) ? specFile : join(distgitDir, specFile);
  const specs = (await readdir(distgitDir)).filter((f) => f.endsWith('.spec'));
  if (specs.length !== 1) {
    throw new Error(`expected exactly one *.spec in ${distgitDir}, found ${specs.length ? specs.join(', ') : 'none'}`);
  }
  return join(distgitDir, specs[0]);
}
