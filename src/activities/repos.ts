/** Yum repository files: createrepo_c, RPM listing, and DLRN's relative, atomically replaced symlinks. */
import { existsSync } from 'node:fs';
import { readdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { run } from './process';

export interface CreateRepoOptions {
  /** DLRN's include_srpm_in_repo: when false the .src.rpm files are left out of the metadata. */
  includeSrpm: boolean;
  /** false: XML metadata only (`--no-database`). */
  database?: boolean;
  signal?: AbortSignal;
  onProgress?: (detail: string) => void;
  /** Where createrepo_c's output goes (appended); discarded when absent. */
  logFile?: string;
  /**
   * A repo dir whose repodata/ describes most of the same RPMs (the previous
   * build's): createrepo_c reuses its entry for every RPM of the same name,
   * size and mtime instead of reading and checksumming the file again, as it
   * does with the dir's own repodata/ when there is one.
   */
  reuseFrom?: string;
}

/** Writes <dir>/repodata/ for the RPMs in dir (symlinked ones included). */
export async function createRepo(dir: string, opts: CreateRepoOptions): Promise<void> {
  // No shell: the glob is handed to createrepo_c, which matches it itself.
  // Entries of unchanged RPMs (same name, size and mtime) are taken from dir's own metadata and reuseFrom's.
  const own = existsSync(join(dir, 'repodata', 'repomd.xml'));
  // With its own, the dir needs no other: loading two sets of metadata costs more than it saves.
  const from = !own && opts.reuseFrom && existsSync(join(opts.reuseFrom, 'repodata', 'repomd.xml')) ? ['--update-md-path', opts.reuseFrom] : [];
  const reuse = own || from.length > 0 ? ['--update', ...from] : [];
  const args = [...(opts.includeSrpm ? [] : ['-x', '*.src.rpm']), ...(opts.database === false ? ['--no-database'] : []), ...reuse, dir];
  await run('createrepo_c', args, { signal: opts.signal, onProgress: opts.onProgress, logFile: opts.logFile });
}

/**
 * Points linkPath at target (kept as given, normally relative) by creating
 * `<linkPath>_` and renaming it over linkPath: readers see the old or the new
 * link, never none (DLRN's current/consistent update). Writers that may run
 * at once on one link (a batch and a single promotion) give distinct suffixes.
 */
export async function atomicSymlink(target: string, linkPath: string, tmpSuffix = '_'): Promise<void> {
  const tmp = `${linkPath}${tmpSuffix}`;
  await rm(tmp, { force: true }); // left by an interrupted update
  await symlink(target, tmp);
  try {
    await rename(tmp, linkPath);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** The link's target as stored, or null when linkPath does not exist or is not a link. */
export async function readLink(linkPath: string): Promise<string | null> {
  try {
    return await readlink(linkPath);
  } catch (e) {
    if (['ENOENT', 'EINVAL'].includes((e as NodeJS.ErrnoException).code ?? '')) return null;
    throw e;
  }
}

/**
 * Symlinks each file into destDir under its own name, with a relative target
 * so the tree can be moved or served over rsync. Replaces a link of the same
 * name. Returns the links' paths.
 */
export async function linkFiles(files: string[], destDir: string): Promise<string[]> {
  const links: string[] = [];
  for (const file of files) {
    const link = join(destDir, basename(file));
    const target = relative(resolve(destDir), resolve(file));
    if ((await readLink(link)) !== target) await atomicSymlink(target, link);
    links.push(link);
  }
  return links;
}

/** Absolute paths of the *.rpm files directly in dir (source RPMs included), sorted. */
export async function listRpms(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => n.endsWith('.rpm'))
    .sort()
    .map((n) => resolve(dir, n));
}
