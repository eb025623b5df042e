/**
 * Local build driver: `rpmbuild --rebuild` on this host, for development and
 * the demo. Unlike mock there is no chroot: the build uses the host's tools
 * and BuildRequires are not checked (--nodeps, since a non-RPM host such as
 * Debian has an empty RPM database), so a missing tool fails the build itself.
 * `installed` therefore only means "built"; no install test is done.
 */
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { run, ProcessError } from '../process';
import { listRpms } from '../repos';
import type { BuildDriver, BuildRequest, BuildResult } from './driver';

export function createRpmbuildDriver(opts: { rpmbuildBin?: string } = {}): BuildDriver {
  return {
    name: 'rpmbuild',
    async build(req: BuildRequest): Promise<BuildResult> {
      const outDir = resolve(req.outDir);
      await mkdir(outDir, { recursive: true });
      // A private _topdir inside outDir: parallel builds can't collide, and moving the results is a rename.
      const top = await mkdtemp(join(outDir, '.rpmbuild-'));
      try {
        // _tmppath too, so the scriptlets of an aborted build don't linger in /var/tmp.
        await mkdir(join(top, 'tmp'));
        const defines = ['--define', `_topdir ${top}`, '--define', `_tmppath ${top}/tmp`];
        try {
          await run(opts.rpmbuildBin ?? 'rpmbuild', ['--rebuild', '--nodeps', ...defines, resolve(req.srpm)], {
            logFile: req.logFile,
            signal: req.signal,
            onProgress: req.onProgress,
          });
        } catch (e) {
          if (req.signal?.aborted || !(e instanceof ProcessError)) throw e;
          throw new Error(`rpmbuild of ${basename(req.srpm)} failed (log: ${req.logFile}):\n${e.tail}`, { cause: e });
        }
        const built = await findRpms(join(top, 'RPMS'));
        if (built.length === 0) throw new Error(`No rpms built for ${basename(req.srpm)} (log: ${req.logFile})`);
        for (const f of built) await rename(f, join(outDir, basename(f)));
        if (dirname(resolve(req.srpm)) !== outDir) await copyFile(req.srpm, join(outDir, basename(req.srpm)));
        await writeFile(join(outDir, 'installed'), '');
        return { rpms: await listRpms(outDir) };
      } finally {
        await rm(top, { recursive: true, force: true });
      }
    },
  };
}

/** *.rpm files under RPMS/<arch>/. */
async function findRpms(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('.rpm')).map((e) => join(e.parentPath, e.name));
}
