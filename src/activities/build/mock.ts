/**
 * Production build driver: mock, as DLRN's mockdriver runs it, each build in
 * its slot's own mock configuration (`dlrn-<slot>.cfg`, written as DLRN's
 * build.py writes it: the target's template, the trunk's `current` repo and
 * its deps_url repo added, the root unique per slot). Needs a host with mock
 * and the target's repositories, so here the generated configuration, the
 * command line and the result handling are tested (with a stand-in executable).
 */
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { mockConfigFor } from '../../domain/trunk/mock-config';
import { run, ProcessError } from '../process';
import { listRpms } from '../repos';
import type { BuildDriver, BuildRequest, BuildResult, MockSlotsConfig } from './driver';

export interface MockDriverOptions {
  slots: MockSlotsConfig;
  /** DLRN's install_after_build: --postinstall tests that the RPMs install in the chroot. Default true. */
  installAfterBuild?: boolean;
  mockBin?: string;
}

/** mock's arguments for one rebuild (DLRN: -v -r <cfg> --resultdir <out> [--postinstall] --rebuild <srpm>). */
export function mockArgv(o: { config: string; srpm: string; outDir: string; installAfterBuild?: boolean }): string[] {
  return ['-v', '-r', o.config, '--resultdir', o.outDir, ...(o.installAfterBuild === false ? [] : ['--postinstall']), '--rebuild', o.srpm];
}

const readOrNull = (file: string) => readFile(file, 'utf8').catch(() => null);

/** The deps_url repo file (http(s) or a local path); null, with a warning in the log, when it cannot be read. */
async function readDepsRepo(url: string, logFile: string): Promise<string | null> {
  try {
    if (!/^https?:\/\//.test(url)) {
      const text = await readOrNull(url.replace(/^file:\/\//, ''));
      if (text === null) throw new Error('no such file');
      return text;
    }
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.text();
  } catch (e) {
    await writeFile(logFile, `WARNING: could not read deps_url ${url} (${(e as Error).message}): the mock configuration has no dependency repositories\n`, { flag: 'a' });
    return null;
  }
}

/**
 * Writes the slot's configuration when its content changed (an unchanged file
 * keeps mock's root cache valid, as DLRN does) and returns its path.
 */
export async function writeSlotConfig(slots: MockSlotsConfig, slot: number, logFile: string): Promise<string> {
  const template = await readFile(slots.template, 'utf8').catch((e: Error) => {
    throw new Error(`mock template ${slots.template}: ${e.message}`);
  });
  const text = mockConfigFor({ template, slot, currentRepo: await readOrNull(slots.currentRepo), depsRepo: await readDepsRepo(slots.depsUrl, logFile) });
  const cfg = join(slots.configDir, `dlrn-${slot}.cfg`);
  if ((await readOrNull(cfg)) === text) return cfg;
  await mkdir(slots.configDir, { recursive: true });
  await writeFile(`${cfg}.new`, text);
  await rename(`${cfg}.new`, cfg);
  return cfg;
}

export function createMockDriver(opts: MockDriverOptions): BuildDriver {
  // Slots in use by this worker's builds: each build takes the lowest free one (DLRN's worker id).
  const busy = new Set<number>();
  const takeSlot = () => {
    let slot = 1;
    while (busy.has(slot)) slot++;
    busy.add(slot);
    return slot;
  };
  return {
    name: 'mock',
    async build(req: BuildRequest): Promise<BuildResult> {
      const outDir = resolve(req.outDir);
      await mkdir(outDir, { recursive: true });
      const slot = takeSlot();
      try {
        const config = await writeSlotConfig(opts.slots, slot, req.logFile);
        const argv = mockArgv({ config, srpm: resolve(req.srpm), outDir, installAfterBuild: opts.installAfterBuild });
        try {
          await run(opts.mockBin ?? '/usr/bin/mock', argv, { logFile: req.logFile, signal: req.signal, onProgress: req.onProgress });
        } catch (e) {
          if (req.signal?.aborted || !(e instanceof ProcessError)) throw e;
          throw new Error(`mock build of ${basename(req.srpm)} failed (log: ${req.logFile}, mock logs in ${outDir}):\n${e.tail}`, { cause: e });
        }
      } finally {
        busy.delete(slot);
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
