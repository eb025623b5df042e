/**
 * Production build driver: mock, as DLRN's mockdriver runs it. Needs a host
 * with mock and its chroot configs, so here only the command line and the
 * result handling are tested (with a stand-in executable).
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { run, ProcessError } from '../process';
import { listRpms } from '../repos';
import type { BuildDriver, BuildRequest, BuildResult } from './driver';

export interface MockDriverOptions {
  /** `-r` argument: a config name or a path to a .cfg. */
  config: string;
  /** DLRN's install_after_build: --postinstall tests that the RPMs install in the chroot. Default true. */
  installAfterBuild?: boolean;
  mockBin?: string;
}

/** mock's arguments for one rebuild (DLRN: -v -r <cfg> --resultdir <out> [--postinstall] --rebuild <srpm>). */
export function mockArgv(o: { config: string; srpm: string; outDir: string; installAfterBuild?: boolean }): string[] {
  return ['-v', '-r', o.config, '--resultdir', o.outDir, ...(o.installAfterBuild === false ? [] : ['--postinstall']), '--rebuild', o.srpm];
}

export function createMockDriver(opts: MockDriverOptions): BuildDriver {
  return {
    name: 'mock',
    async build(req: BuildRequest): Promise<BuildResult> {
      const outDir = resolve(req.outDir);
      await mkdir(outDir, { recursive: true });
      const argv = mockArgv({ config: opts.config, srpm: resolve(req.srpm), outDir, installAfterBuild: opts.installAfterBuild });
      try {
        await run(opts.mockBin ?? '/usr/bin/mock', argv, { logFile: req.logFile, signal: req.signal, onProgress: req.onProgress });
      } catch (e) {
        if (req.signal?.aborted || !(e instanceof ProcessError)) throw e;
        throw new Error(`mock build of ${basename(req.srpm)} failed (log: ${req.logFile}, mock logs in ${outDir}):\n${e.tail}`, { cause: e });
      }
      // With --postinstall, mock only warns when the built RPMs don't install; DLRN treats that as a failure.
      if (opts.installAfterBuild !== false && /^\W*WARNING: Failed install built packages/m.test(await readFile(req.logFile, 'utf8'))) {
        throw new Error(`Error installing ${basename(req.srpm)}: built packages failed to install (log: ${req.logFile})`);
      }
      if (dirname(resolve(req.srpm)) !== outDir) await copyFile(req.srpm, join(outDir, basename(req.srpm)));
      const rpms = await listRpms(outDir);
      if (!rpms.some((r) => !r.endsWith('.src.rpm'))) throw new Error(`No rpms built for ${basename(req.srpm)} (log: ${req.logFile})`);
      await writeFile(join(outDir, 'installed'), '');
      return { rpms };
    },
  };
}
