/**
 * SIMULATED build driver, for demos and benchmarks only: it builds nothing.
 * It waits durationMs, then writes a placeholder `<name>-<version>-<release>.noarch.rpm`
 * whose content says it is simulated (not an RPM: rpm and createrepo_c reject
 * it), or fails with an error log when the srpm name matches failPattern.
 */
import { appendFile, copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lastLines } from '../process';
import type { BuildDriver, BuildRequest, BuildResult } from './driver';
import { parseRpmFileName } from './rpm-names';

export interface SimulatedDriverOptions {
  durationMs: number;
  /** Regex over the srpm file name: matching builds fail. */
  failPattern?: string;
}

const HEARTBEAT_MS = 5_000;

export function createSimulatedDriver(opts: SimulatedDriverOptions): BuildDriver {
  const fail = opts.failPattern ? new RegExp(opts.failPattern) : undefined;
  return {
    name: 'simulated',
    async build(req: BuildRequest): Promise<BuildResult> {
      const outDir = resolve(req.outDir);
      await mkdir(outDir, { recursive: true });
      const srpmName = basename(req.srpm);
      const nvr = parseRpmFileName(srpmName) ?? { name: srpmName.replace(/\.src\.rpm$|\.rpm$/, ''), version: '0', release: '0' };
      const log = (text: string) => appendFile(req.logFile, text);
      await log(`SIMULATED build of ${srpmName} (trunkflow simulated driver: nothing is compiled)\n`);

      const started = Date.now();
      while (Date.now() - started < opts.durationMs) {
        const left = opts.durationMs - (Date.now() - started);
        try {
          await sleep(Math.min(left, HEARTBEAT_MS), undefined, { signal: req.signal });
        } catch (e) {
          // Same contract as process.run: reject with the signal's own reason.
          throw req.signal?.reason instanceof Error ? req.signal.reason : e;
        }
        req.onProgress?.(`simulated build of ${srpmName}: ${Math.round((Date.now() - started) / 1000)}s`);
      }

      if (fail?.test(srpmName)) {
        const errors = [
          `+ SIMULATED install of ${nvr.name}`,
          `cp: cannot stat 'data.txt': No such file or directory (SIMULATED)`,
          `error: Bad exit status from /var/tmp/rpm-tmp.SIMULATED (%install)`,
          '',
          'RPM build errors:',
          `    SIMULATED failure: ${srpmName} matches failPattern /${opts.failPattern}/`,
        ].join('\n');
        await log(`${errors}\n`);
        throw new Error(`simulated build of ${srpmName} failed (log: ${req.logFile}):\n${lastLines(errors)}`);
      }

      const rpm = join(outDir, `${nvr.name}-${nvr.version}-${nvr.release}.noarch.rpm`);
      await writeFile(rpm, `SIMULATED RPM placeholder written by trunkflow's simulated build driver; not a real package.\nsource: ${srpmName}\n`);
      const srpm = join(outDir, srpmName);
      if (dirname(resolve(req.srpm)) !== outDir) {
        // Benchmarks may skip making a real srpm: stand in for it too.
        if (await stat(req.srpm).then(() => true, () => false)) await copyFile(req.srpm, srpm);
        else await writeFile(srpm, `SIMULATED source RPM placeholder (no ${req.srpm} was given)\n`);
      }
      await log(`Wrote: ${rpm} (SIMULATED)\n`);
      await writeFile(join(outDir, 'installed'), '');
      return { rpms: [rpm, srpm].sort() };
    },
  };
}
